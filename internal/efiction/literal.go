package efiction

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
)

// Literals: the values of a row as MySQL writes them.

// value reads one value: a quoted string, NULL, a number, or another bare
// word (true, CURRENT_TIMESTAMP), _charset'…' and X'…'/0x… as bytes.
func (d *Dump) value() (Value, error) {
	c, err := d.peek()
	if err != nil {
		return Value{}, err
	}
	if c == '\'' || c == '"' {
		s, err := d.quoted()
		return Value{S: s, Quoted: true}, err
	}
	var b strings.Builder
	for {
		c, err := d.peek()
		if err != nil {
			return Value{}, err
		}
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			if strings.HasPrefix(b.String(), "_") { // _binary 'x': a charset introducer
				if err := d.skipSpace(); err != nil {
					return Value{}, err
				}
				if q, err := d.peek(); err == nil && q == '\'' {
					continue
				}
			}
			break
		}
		if c == ',' || c == ')' {
			break
		}
		if c == '\'' {
			// _utf8'…', X'…', b'…'
			prefix := b.String()
			s, err := d.quoted()
			if err != nil {
				return Value{}, err
			}
			if strings.EqualFold(prefix, "x") {
				return Value{S: unhex(s), Quoted: true}, nil
			}
			return Value{S: s, Quoted: true}, nil
		}
		if c == '(' {
			return Value{}, fmt.Errorf("a function call in a value is not supported (%q)", b.String())
		}
		d.readByte()
		b.WriteByte(c)
		if b.Len() > 1<<20 {
			return Value{}, errors.New("value too long")
		}
	}
	s := b.String()
	switch {
	case s == "":
		return Value{}, errors.New("a value was expected")
	case strings.EqualFold(s, "NULL"):
		return Value{Null: true}, nil
	case len(s) > 2 && (s[:2] == "0x" || s[:2] == "0X"):
		return Value{S: unhex(s[2:]), Quoted: true}, nil // bytes now: written back as a string
	}
	return Value{S: s}, nil
}

// quoted reads a MySQL string literal: backslash escapes (\0 \' \" \b \n
// \r \t \Z \\ \% \_, any other \x is x) and a doubled quote for a quote.
func (d *Dump) quoted() (string, error) {
	q, _ := d.readByte()
	var b strings.Builder
	for {
		if err := d.copyPlain(&b, q); err != nil {
			return "", err
		}
		c, err := d.readByte()
		if err != nil {
			return "", err
		}
		switch c {
		case '\\':
			e, err := d.readByte()
			if err != nil {
				return "", err
			}
			switch e {
			case '0':
				b.WriteByte(0)
			case 'b':
				b.WriteByte('\b')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'Z':
				b.WriteByte(0x1a)
			case '%', '_':
				b.WriteByte('\\') // kept as written, as MySQL does
				b.WriteByte(e)
			default:
				b.WriteByte(e)
			}
		case q:
			if n, err := d.peek(); err == nil && n == q {
				d.readByte()
				b.WriteByte(q)
				continue
			}
			return b.String(), nil
		default:
			b.WriteByte(c)
		}
	}
}

func unhex(s string) string {
	out := make([]byte, 0, len(s)/2)
	for i := 0; i+1 < len(s); i += 2 {
		out = append(out, hexVal(s[i])<<4|hexVal(s[i+1]))
	}
	return string(out)
}

func hexVal(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10
	}
	return 0
}

// copyPlain copies the bytes before the next backslash or quote q from
// the buffer to b in one go (most of a dump is such runs), counting lines
// and keeping the row's raw text as readByte does.
func (d *Dump) copyPlain(b *strings.Builder, q byte) error {
	for {
		n := d.r.Buffered()
		if n == 0 {
			if _, err := d.r.Peek(1); err != nil {
				return nil // readByte reports it
			}
			n = d.r.Buffered()
		}
		buf, _ := d.r.Peek(n)
		i := 0
		for i < len(buf) && buf[i] != '\\' && buf[i] != q {
			i++
		}
		if i == 0 {
			return nil
		}
		run := buf[:i]
		if d.capture {
			if d.raw.Len()+len(run) > MaxStatementBytes {
				return errTooLong
			}
			d.raw.Write(run)
		}
		if b.Len()+len(run) > MaxStatementBytes {
			return errTooLong
		}
		d.line += bytes.Count(run, []byte{'\n'})
		b.Write(run)
		d.r.Discard(i)
		if i < len(buf) {
			return nil
		}
	}
}
