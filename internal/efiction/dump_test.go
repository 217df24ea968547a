package efiction

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

// rows reads every row of a dump, with the row errors between them.
func rows(t testing.TB, dump string) ([]*Row, []*RowError) {
	t.Helper()
	d := NewDump(strings.NewReader(dump))
	var out []*Row
	var bad []*RowError
	for {
		r, err := d.Next()
		var re *RowError
		switch {
		case errors.Is(err, io.EOF):
			return out, bad
		case errors.As(err, &re):
			bad = append(bad, re)
		case err != nil:
			t.Fatalf("Next: %v", err)
		default:
			out = append(out, r)
		}
	}
}

// show writes rows as t(col=v,…) with NULL for null, for comparing.
func show(rs []*Row) string {
	var b strings.Builder
	for _, r := range rs {
		fmt.Fprintf(&b, "%s(", r.Table)
		for i, v := range r.Values {
			if i > 0 {
				b.WriteString(",")
			}
			if i < len(r.Columns) {
				b.WriteString(r.Columns[i] + "=")
			}
			if v.Null {
				b.WriteString("NULL")
			} else {
				fmt.Fprintf(&b, "%q", v.S)
			}
		}
		b.WriteString(")")
	}
	return b.String()
}

func TestDumpValues(t *testing.T) {
	for _, tc := range []struct{ name, dump, want string }{
		{"escapes", `INSERT INTO t VALUES ('a\'b','c\\d','e\nf','g\0h','i\Zj','k''l',"m\"n",'o\%p','\q');`,
			`t("a'b","c\\d","e\nf","g\x00h","i\x1aj","k'l","m\"n","o\\%p","q")`},
		{"null and numbers", "INSERT INTO `t` VALUES (NULL,null,-1,3.5,1e3,'NULL');",
			`t(NULL,NULL,"-1","3.5","1e3","NULL")`},
		{"multi-row and multi-line", "INSERT INTO `t` (`a`, `b`)\nVALUES\n\t(1,'x'),\n\t(2,'y;z');\n",
			`t(a="1",b="x")t(a="2",b="y;z")`},
		{"comments", "-- a comment\n# another\n/*!40101 SET NAMES utf8 */;\n/* block; with 'quote */\nINSERT INTO t VALUES (1);\n-- done\n",
			`t("1")`},
		{"create table columns", "CREATE TABLE IF NOT EXISTS `t` (\n `a` int(11) NOT NULL default '0',\n `b,c` varchar(5) default 'x,(y)',\n PRIMARY KEY (`a`),\n KEY `b` (`b,c`)\n) ENGINE=MyISAM;\nINSERT INTO `t` VALUES (1,'v');",
			`t(a="1",b,c="v")`},
		{"other statements skipped", "DROP TABLE IF EXISTS `t`;\nLOCK TABLES `t` WRITE;\nSET x = 'a;b';\nINSERT IGNORE INTO db.t VALUES (1);\nUNLOCK TABLES;\nREPLACE INTO t VALUES (2);",
			`t("1")t("2")`},
		{"hex and charset literals", `INSERT INTO t VALUES (0x4142,X'4344',_utf8'ef',_binary 'gh');`,
			`t("AB","CD","ef","gh")`},
		{"raw bytes kept", "INSERT INTO t VALUES ('caf\xe9');", "t(\"caf\\xe9\")"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, bad := rows(t, tc.dump)
			if len(bad) > 0 {
				t.Errorf("row errors: %v", bad)
			}
			if s := show(got); s != tc.want {
				t.Errorf("got  %s\nwant %s", s, tc.want)
			}
		})
	}
}

// TestDumpRaw checks that a row's Raw is its text in the dump, byte for byte.
func TestDumpRaw(t *testing.T) {
	got, _ := rows(t, "INSERT INTO t VALUES (1,'a\\'b' ),\n( 2 ,NULL);")
	if len(got) != 2 || string(got[0].Raw) != `(1,'a\'b' )` || string(got[1].Raw) != `( 2 ,NULL)` {
		t.Fatalf("raw = %q", [][]byte{got[0].Raw, got[1].Raw})
	}
	if got[1].Line != 2 {
		t.Errorf("line of row 2 = %d, want 2", got[1].Line)
	}
}

// TestDumpBadRows checks that a row that cannot be used is reported with
// its table and line, and reading goes on.
func TestDumpBadRows(t *testing.T) {
	dump := "CREATE TABLE `t` (`a` int, `b` int);\n" +
		"INSERT INTO `t` VALUES (1,2),(3),(4,5);\n" + // wrong count: that row only
		"INSERT INTO `t` VALUES (6,7) junk (8,9);\n" + // broken: the rest of the statement
		"INSERT INTO `t` VALUES (now(),1);\n" +
		"INSERT INTO `t` VALUES (10,11);\n" +
		"INSERT INTO `t` VALUES (12,'unterminated);\n"
	got, bad := rows(t, dump)
	if s := show(got); s != `t(a="1",b="2")t(a="4",b="5")t(a="6",b="7")t(a="10",b="11")` {
		t.Errorf("rows = %s", s)
	}
	if len(bad) != 4 {
		t.Fatalf("bad rows = %v, want 4", bad)
	}
	for i, line := range []int{2, 3, 4, 6} {
		if bad[i].Table != "t" || bad[i].Line != line {
			t.Errorf("bad row %d = %v, want table t line %d", i, bad[i], line)
		}
	}
}

// TestDumpTooLong checks that an endless string is an error for its row,
// not a reason to keep the rest of the dump in memory.
func TestDumpTooLong(t *testing.T) {
	r := io.MultiReader(strings.NewReader("INSERT INTO t VALUES ('"), io.LimitReader(repeatReader('x'), MaxStatementBytes+10), strings.NewReader("');\nINSERT INTO t VALUES (1);"))
	d := NewDump(r)
	_, err := d.Next()
	var re *RowError
	if !errors.As(err, &re) {
		t.Fatalf("err = %v, want a row error", err)
	}
}

type repeatReader byte

func (r repeatReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r)
	}
	return len(p), nil
}

// FuzzDump checks that any input reads without a panic, that Next always
// makes progress to io.EOF, and that each row's Raw is a part of the input.
func FuzzDump(f *testing.F) {
	for _, s := range []string{
		"INSERT INTO t VALUES (1,'a\\'b'),(NULL,\"x\");",
		"CREATE TABLE `t` (`a` int, KEY `k` (`a`));\nINSERT INTO `t` VALUES (1);",
		"/*!40101 SET NAMES utf8 */;\n-- c\n# c\nINSERT INTO t (`a`) VALUES (0x41);",
		"INSERT INTO t VALUES ('unterminated",
		"INSERT INTO t VALUES (1) junk;",
		"CREATE TABLE IF NOT EXISTS t (a int default '(', b int);",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		d := NewDump(bytes.NewReader(in))
		for i := 0; ; i++ {
			if i > len(in)+10 {
				t.Fatalf("more results than input bytes")
			}
			r, err := d.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			var re *RowError
			if err != nil && !errors.As(err, &re) {
				t.Fatalf("Next: %v", err)
			}
			if r != nil && !bytes.Contains(in, r.Raw) {
				t.Fatalf("raw %q is not in the input", r.Raw)
			}
		}
	})
}
