package efiction

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"testing"
)

// benchDump generates a dump of about size bytes: chapters of a few
// kilobytes of escaped HTML, many rows to an INSERT, as mysqldump writes.
func benchDump(size int) []byte {
	var b bytes.Buffer
	b.WriteString("CREATE TABLE `fanfiction_chapters` (`chapid` int, `title` varchar(250), `inorder` int, `storytext` text, `sid` int, `uid` int, `validated` char(1), PRIMARY KEY (`chapid`));\n")
	para := `<p>The tide went out and took the boats\' shadows with it; \"late,\" she said.</p>\r\n`
	for id := 1; b.Len() < size; {
		b.WriteString("INSERT INTO `fanfiction_chapters` VALUES ")
		for r := 0; r < 50 && b.Len() < size; r, id = r+1, id+1 {
			if r > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "(%d,'Chapter %d',%d,'", id, id, id%20)
			for range 40 {
				b.WriteString(para)
			}
			fmt.Fprintf(&b, "',%d,%d,'1')", id/20, id%7)
		}
		b.WriteString(";\n")
	}
	return b.Bytes()
}

// BenchmarkDump measures parse throughput (MB/s) on a generated 50 MB dump.
func BenchmarkDump(b *testing.B) {
	dump := benchDump(50 << 20)
	b.SetBytes(int64(len(dump)))
	b.ResetTimer()
	for range b.N {
		d := NewDump(bytes.NewReader(dump))
		n := 0
		for {
			_, err := d.Next()
			if errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n == 0 {
			b.Fatal("no rows")
		}
	}
}

// BenchmarkRead measures the whole of Read (parse and map to works) on a
// generated 50 MB dump of chapters without stories: the parse and the
// table indexes, not the HTML sanitiser.
func BenchmarkRead(b *testing.B) {
	dump := benchDump(50 << 20)
	b.SetBytes(int64(len(dump)))
	b.ResetTimer()
	for range b.N {
		if _, err := Read(context.Background(), bytes.NewReader(dump), Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
