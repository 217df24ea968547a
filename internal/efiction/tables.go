package efiction

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// tables are the rows of one eFiction archive, by table without its
// prefix ("stories", "chapters"…).
type tables struct {
	prefix string
	rows   map[string][]*Row // by full table name, lower case
	names  map[string]string // full table name (lower case) as the dump spells it
}

// suffixes are the eFiction tables an import reads.
var suffixes = []string{"stories", "chapters", "authors", "categories", "characters", "classes", "classtypes",
	"ratings", "series", "inseries", "reviews", "coauthors"}

// readTables reads every row of the dump. Rows the reader cannot read are
// returned as bad rows; reading stops only on an I/O error or ctx.
func readTables(ctx context.Context, r io.Reader) (*tables, []*RowError, error) {
	t := &tables{rows: map[string][]*Row{}, names: map[string]string{}}
	d := NewDump(r)
	var bad []*RowError
	for n := 0; ; n++ {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, nil, err
			}
		}
		row, err := d.Next()
		var re *RowError
		switch {
		case errors.Is(err, io.EOF):
			t.prefix = detectPrefix(t)
			return t, bad, nil
		case errors.As(err, &re):
			bad = append(bad, re)
			continue
		case err != nil:
			return nil, nil, err
		}
		key := strings.ToLower(row.Table)
		t.rows[key] = append(t.rows[key], row)
		t.names[key] = row.Table
	}
}

// detectPrefix finds the table prefix ("fanfiction_" by default, set at
// install time): the name of the table of stories, which has a sid column,
// without "stories".
func detectPrefix(t *tables) string {
	var found []string
	for key, rows := range t.rows {
		if strings.HasSuffix(key, "stories") && slices.ContainsFunc(rows[0].Columns, func(c string) bool { return strings.EqualFold(c, "sid") }) {
			found = append(found, strings.TrimSuffix(key, "stories"))
		}
	}
	slices.Sort(found)
	if len(found) == 0 {
		return "fanfiction_"
	}
	if slices.Contains(found, "fanfiction_") {
		return "fanfiction_"
	}
	return found[0]
}

// table returns the rows of an eFiction table, by its name without prefix.
func (t *tables) table(suffix string) []*Row { return t.rows[t.prefix+suffix] }

// decode turns a value's bytes into text: UTF-8 when they are, otherwise
// windows-1252 (a superset of latin-1's printable range), which old
// archives' dumps are in.
func decode(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	out, err := charmap.Windows1252.NewDecoder().String(s)
	if err != nil {
		return strings.ToValidUTF8(s, "\uFFFD")
	}
	return out
}

// encodingOf names the charset decode reads s in.
func encodingOf(s string) string {
	if utf8.ValidString(s) {
		return "utf-8"
	}
	return "windows-1252"
}

// text returns a column's value decoded and trimmed.
func text(r *Row, col string) string { return strings.TrimSpace(decode(r.Str(col))) }

// id reads a numeric column; ok is false when it is missing or not a
// number.
func id(r *Row, col string) (int64, bool) {
	v, found := r.Get(col)
	if !found || v.Null {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v.S), 10, 64)
	return n, err == nil
}

// ids reads a comma-separated list of numbers ("3,7,12"), eFiction's way
// of keeping a story's categories, characters and classes; what is not a
// number is left out.
func ids(r *Row, col string) []int64 {
	var out []int64
	for _, f := range strings.FieldsFunc(r.Str(col), func(c rune) bool { return c == ',' || c == ' ' }) {
		if n, err := strconv.ParseInt(f, 10, 64); err == nil && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// byID indexes a table's rows by a numeric column.
func byID(rows []*Row, col string) map[int64]*Row {
	m := make(map[int64]*Row, len(rows))
	for _, r := range rows {
		if n, ok := id(r, col); ok {
			if _, dup := m[n]; !dup {
				m[n] = r
			}
		}
	}
	return m
}

// sqlText writes rows as INSERT statements, one a row, with their values
// exactly as the dump had them: the source of a work.
func (t *tables) sqlText(b *strings.Builder, rows ...*Row) {
	for _, r := range rows {
		fmt.Fprintf(b, "INSERT INTO `%s`", strings.ReplaceAll(r.Table, "`", "``"))
		if len(r.Columns) > 0 {
			b.WriteString(" (")
			for i, c := range r.Columns {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString("`" + strings.ReplaceAll(c, "`", "``") + "`")
			}
			b.WriteString(")")
		}
		b.WriteString(" VALUES ")
		if private := privateColumns(r); private != nil {
			writeValues(b, r, private)
		} else {
			b.Write(r.Raw)
		}
		b.WriteString(";\n")
	}
}

// privateColumns returns which values of a row must not be kept in a
// work's source, which readers may download: an author's password hash
// and real name. Nil for rows without any, which are kept byte for byte.
func privateColumns(r *Row) []bool {
	if !strings.HasSuffix(strings.ToLower(r.Table), "authors") {
		return nil
	}
	var private []bool
	for i, c := range r.Columns {
		switch strings.ToLower(c) {
		case "password", "realname", "ip", "lastip":
			if private == nil {
				private = make([]bool, len(r.Columns))
			}
			private[i] = true
		}
	}
	return private
}

// writeValues writes a row's values as a MySQL tuple, the private ones as
// empty strings; the others' bytes are as they were.
func writeValues(b *strings.Builder, r *Row, private []bool) {
	b.WriteByte('(')
	for i, v := range r.Values {
		if i > 0 {
			b.WriteByte(',')
		}
		switch {
		case i < len(private) && private[i]:
			b.WriteString("''")
		case v.Null:
			b.WriteString("NULL")
		case !v.Quoted:
			b.WriteString(v.S) // a number as the dump wrote it
		default:
			b.WriteByte('\'')
			for j := 0; j < len(v.S); j++ {
				switch c := v.S[j]; c {
				case '\\', '\'':
					b.WriteByte('\\')
					b.WriteByte(c)
				case 0:
					b.WriteString(`\0`)
				case '\n':
					b.WriteString(`\n`)
				case '\r':
					b.WriteString(`\r`)
				case 0x1a:
					b.WriteString(`\Z`)
				default:
					b.WriteByte(c)
				}
			}
			b.WriteByte('\'')
		}
	}
	b.WriteByte(')')
}
