// Package efiction reads the MySQL dump of an eFiction 3.x archive (the PHP
// archive many small fandom sites ran) without a MySQL server, and turns its
// stories into works. Dump reads the dump's statements one row at a time;
// Build maps the rows of the eFiction tables onto works.
package efiction

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
)

// MaxStatementBytes bounds one row of a dump: a value longer than this is
// an error for its row, so that a broken quote cannot make the reader hold
// the rest of a gigabyte dump in memory.
const MaxStatementBytes = 64 << 20

// Value is one value of a row: NULL, or the bytes of a string or number as
// the dump wrote them after unescaping (not yet decoded from any charset).
type Value struct {
	Null bool
	S    string
	// Quoted says the dump wrote the value as a string literal.
	Quoted bool
}

// Row is one row of an INSERT statement.
type Row struct {
	Table   string
	Columns []string // from the INSERT's column list, else the table's CREATE TABLE; may be nil
	Values  []Value
	Line    int    // line of the dump the row starts on
	Raw     []byte // the row's text in the dump, "(…)", byte for byte
}

// Get returns the value of the named column, and whether the row has it.
func (r *Row) Get(col string) (Value, bool) {
	for i, c := range r.Columns {
		if strings.EqualFold(c, col) && i < len(r.Values) {
			return r.Values[i], true
		}
	}
	return Value{}, false
}

// Str returns the named column's value, "" for NULL or a missing column.
func (r *Row) Str(col string) string {
	v, _ := r.Get(col)
	return v.S
}

// RowError is a row (or a statement) the reader could not read. Reading
// goes on after it, at the next row or statement.
type RowError struct {
	Table string
	Line  int
	Err   error
}

func (e *RowError) Error() string {
	if e.Table == "" {
		return fmt.Sprintf("line %d: %v", e.Line, e.Err)
	}
	return fmt.Sprintf("table %s, line %d: %v", e.Table, e.Line, e.Err)
}

func (e *RowError) Unwrap() error { return e.Err }

// Dump reads the rows of a MySQL dump (mysqldump or phpMyAdmin output) as a
// stream: memory is bounded by the longest row, not the dump's size. It
// reads CREATE TABLE for column names, INSERT and REPLACE (with or without
// a column list, one or many rows each) for rows, and skips every other
// statement, comments (--, #, /* */ and /*!…*/) included.
type Dump struct {
	r       *bufio.Reader
	line    int
	columns map[string][]string // CREATE TABLE column lists, by table

	// state inside an INSERT
	inInsert bool
	table    string
	cols     []string
	raw      bytes.Buffer
	capture  bool
}

// NewDump returns a reader of the dump r.
func NewDump(r io.Reader) *Dump {
	return &Dump{r: bufio.NewReaderSize(r, 1<<16), line: 1, columns: map[string][]string{}}
}

// errTooLong is a row longer than MaxStatementBytes.
var errTooLong = fmt.Errorf("row longer than %d MB", MaxStatementBytes>>20)

// Next returns the next row. At the end of the dump it returns io.EOF. A
// *RowError is a row or statement that could not be read; the caller may
// report it and call Next again. Any other error is the underlying reader's.
func (d *Dump) Next() (*Row, error) {
	for {
		if d.inInsert {
			row, err := d.nextTuple()
			if row != nil || err != nil {
				return row, err
			}
			continue
		}
		if err := d.skipSpace(); err != nil {
			return nil, err
		}
		line := d.line
		word, err := d.word()
		if err != nil {
			return nil, err
		}
		switch strings.ToUpper(word) {
		case "INSERT", "REPLACE":
			if err := d.startInsert(); err != nil {
				d.skipStatement()
				return nil, &RowError{Table: d.table, Line: line, Err: err}
			}
		case "CREATE":
			if err := d.createTable(); err != nil {
				d.skipStatement()
				return nil, &RowError{Line: line, Err: err}
			}
		case "":
			// An empty statement (the ; after a /*!…*/ comment), or a stray
			// character where a statement should begin.
			c, err := d.readByte()
			if err != nil {
				return nil, ioErr(err)
			}
			if c != ';' {
				if err := d.skipStatement(); err != nil {
					return nil, err
				}
			}
		default:
			if err := d.skipStatement(); err != nil {
				return nil, err
			}
		}
	}
}

func ioErr(err error) error {
	if errors.Is(err, io.EOF) {
		return io.EOF
	}
	return fmt.Errorf("read dump: %w", err)
}

// readByte reads one byte, counting lines and keeping the row's raw text.
func (d *Dump) readByte() (byte, error) {
	c, err := d.r.ReadByte()
	if err != nil {
		return 0, err
	}
	if c == '\n' {
		d.line++
	}
	if d.capture {
		if d.raw.Len() >= MaxStatementBytes {
			return 0, errTooLong
		}
		d.raw.WriteByte(c)
	}
	return c, nil
}

func (d *Dump) peek() (byte, error) {
	b, err := d.r.Peek(1)
	if err != nil {
		return 0, err
	}
	return b[0], nil
}

// skipSpace skips white space and comments. /*!40101 … */ version comments
// hold SET statements only and are skipped whole.
func (d *Dump) skipSpace() error {
	for {
		c, err := d.peek()
		if err != nil {
			return ioErr(err)
		}
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
			d.readByte()
		case c == '#':
			d.skipLine()
		case c == '-':
			b, _ := d.r.Peek(3)
			if len(b) >= 2 && b[1] == '-' && (len(b) == 2 || b[2] == ' ' || b[2] == '\t' || b[2] == '\n' || b[2] == '\r') {
				d.skipLine()
				continue
			}
			return nil
		case c == '/':
			b, _ := d.r.Peek(2)
			if len(b) == 2 && b[1] == '*' {
				d.readByte()
				d.readByte()
				if err := d.skipBlockComment(); err != nil {
					return err
				}
				continue
			}
			return nil
		default:
			return nil
		}
	}
}

func (d *Dump) skipLine() {
	for {
		c, err := d.readByte()
		if err != nil || c == '\n' {
			return
		}
	}
}

func (d *Dump) skipBlockComment() error {
	star := false
	for {
		c, err := d.readByte()
		if err != nil {
			return ioErr(err)
		}
		if star && c == '/' {
			return nil
		}
		star = c == '*'
	}
}

// word reads an identifier-like word (letters, digits, _), "" if none.
func (d *Dump) word() (string, error) {
	var b strings.Builder
	for {
		c, err := d.peek()
		if err != nil {
			if b.Len() > 0 && errors.Is(err, io.EOF) {
				return b.String(), nil
			}
			return "", ioErr(err)
		}
		if !(c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return b.String(), nil
		}
		d.readByte()
		b.WriteByte(c)
		if b.Len() > 256 {
			return b.String(), nil
		}
	}
}

// ident reads a name, `quoted` or bare.
func (d *Dump) ident() (string, error) {
	if err := d.skipSpace(); err != nil {
		return "", err
	}
	c, err := d.peek()
	if err != nil {
		return "", ioErr(err)
	}
	if c == '`' || c == '"' {
		d.readByte()
		var b strings.Builder
		for {
			x, err := d.readByte()
			if err != nil {
				return "", ioErr(err)
			}
			if x == c {
				if n, err := d.peek(); err == nil && n == c { // `` is a literal `
					d.readByte()
				} else {
					return b.String(), nil
				}
			}
			if b.Len() > 1024 {
				return "", errors.New("name too long")
			}
			b.WriteByte(x)
		}
	}
	w, err := d.word()
	if err == nil && w == "" {
		err = fmt.Errorf("a name was expected, not %q", c)
	}
	return w, err
}

// tableName reads a name that may be qualified by a database (db.table),
// and returns the table's part.
func (d *Dump) tableName() (string, error) {
	name, err := d.ident()
	if err != nil {
		return "", err
	}
	if c, err := d.peek(); err == nil && c == '.' {
		d.readByte()
		return d.ident()
	}
	return name, nil
}

// expect skips space and reads the byte c.
func (d *Dump) expect(c byte) error {
	if err := d.skipSpace(); err != nil {
		return err
	}
	x, err := d.peek()
	if err != nil {
		return ioErr(err)
	}
	if x != c {
		return fmt.Errorf("%q expected, found %q", c, x)
	}
	d.readByte()
	return nil
}

// skipStatement skips to the ; that ends the statement, outside quotes.
func (d *Dump) skipStatement() error {
	d.inInsert, d.capture = false, false
	var quote byte
	for {
		c, err := d.readByte()
		if err != nil {
			return ioErr(err)
		}
		switch {
		case quote != 0 && c == '\\':
			if _, err := d.readByte(); err != nil {
				return ioErr(err)
			}
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
		case c == '\'' || c == '"' || c == '`':
			quote = c
		case c == ';':
			return nil
		}
	}
}

// startInsert reads "[LOW_PRIORITY|IGNORE…] INTO t [(cols)] VALUES".
func (d *Dump) startInsert() error {
	for {
		if err := d.skipSpace(); err != nil {
			return err
		}
		w, err := d.word()
		if err != nil {
			return err
		}
		switch strings.ToUpper(w) {
		case "LOW_PRIORITY", "DELAYED", "HIGH_PRIORITY", "IGNORE":
			continue
		case "INTO":
		default:
			return fmt.Errorf("INTO expected, found %q", w)
		}
		break
	}
	table, err := d.tableName()
	if err != nil {
		return err
	}
	d.table = table
	d.cols = d.columns[strings.ToLower(table)]
	if err := d.skipSpace(); err != nil {
		return err
	}
	if c, err := d.peek(); err == nil && c == '(' {
		cols, err := d.columnList()
		if err != nil {
			return err
		}
		d.cols = cols
	}
	if err := d.skipSpace(); err != nil {
		return err
	}
	w, err := d.word()
	if err != nil {
		return err
	}
	if u := strings.ToUpper(w); u != "VALUES" && u != "VALUE" {
		return fmt.Errorf("VALUES expected, found %q", w)
	}
	d.inInsert = true
	return nil
}

// columnList reads "(`a`, `b`, …)".
func (d *Dump) columnList() ([]string, error) {
	if err := d.expect('('); err != nil {
		return nil, err
	}
	var cols []string
	for {
		name, err := d.ident()
		if err != nil {
			return nil, err
		}
		cols = append(cols, name)
		if err := d.skipSpace(); err != nil {
			return nil, err
		}
		c, err := d.readByte()
		if err != nil {
			return nil, ioErr(err)
		}
		if c == ')' {
			return cols, nil
		}
		if c != ',' {
			return nil, fmt.Errorf("',' or ')' expected in a column list, found %q", c)
		}
		if len(cols) > 4096 {
			return nil, errors.New("too many columns")
		}
	}
}

// nextTuple reads the next "(…)" of an INSERT and the separator after it.
// It returns nil, nil at the end of the statement.
func (d *Dump) nextTuple() (*Row, error) {
	if err := d.skipSpace(); err != nil {
		d.inInsert = false
		if errors.Is(err, io.EOF) {
			return nil, &RowError{Table: d.table, Line: d.line, Err: errors.New("the dump ends inside an INSERT")}
		}
		return nil, err
	}
	c, err := d.peek()
	if err != nil {
		d.inInsert = false
		return nil, ioErr(err)
	}
	switch c {
	case ';':
		d.readByte()
		d.inInsert = false
		return nil, nil
	case ',':
		d.readByte()
		return nil, nil
	case '(':
	default:
		line := d.line
		d.skipStatement()
		return nil, &RowError{Table: d.table, Line: line, Err: fmt.Errorf("'(' expected, found %q", c)}
	}
	row := &Row{Table: d.table, Columns: d.cols, Line: d.line}
	d.raw.Reset()
	d.capture = true
	vals, err := d.tuple()
	d.capture = false
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			d.inInsert = false
			return nil, &RowError{Table: d.table, Line: row.Line, Err: errors.New("the dump ends inside a row")}
		}
		var re *RowError
		if errors.As(err, &re) {
			return nil, re
		}
		d.skipStatement()
		return nil, &RowError{Table: d.table, Line: row.Line, Err: err}
	}
	row.Values = vals
	row.Raw = bytes.Clone(d.raw.Bytes())
	if d.cols != nil && len(vals) != len(d.cols) {
		return nil, &RowError{Table: d.table, Line: row.Line, Err: fmt.Errorf("%d values for %d columns", len(vals), len(d.cols))}
	}
	return row, nil
}

// tuple reads "(v, v, …)".
func (d *Dump) tuple() ([]Value, error) {
	d.readByte() // (
	var vals []Value
	for {
		if err := d.skipSpace(); err != nil {
			return nil, err
		}
		v, err := d.value()
		if err != nil {
			return nil, err
		}
		vals = append(vals, v)
		if err := d.skipSpace(); err != nil {
			return nil, err
		}
		c, err := d.readByte()
		if err != nil {
			return nil, err
		}
		if c == ')' {
			return vals, nil
		}
		if c != ',' {
			return nil, fmt.Errorf("',' or ')' expected between values, found %q", c)
		}
	}
}
