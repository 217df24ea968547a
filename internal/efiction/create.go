package efiction

import "strings"

// CREATE TABLE: only its column names are kept, for INSERTs without a
// column list.

// createTable reads "TABLE [IF NOT EXISTS] t (col def, …, KEY …)" and
// keeps its column names; other CREATE statements are skipped.
func (d *Dump) createTable() error {
	if err := d.skipSpace(); err != nil {
		return err
	}
	w, err := d.word()
	if err != nil {
		return err
	}
	if !strings.EqualFold(w, "TABLE") {
		return d.skipStatement()
	}
	if err := d.skipSpace(); err != nil {
		return err
	}
	if c, _ := d.peek(); c != '`' && c != '"' {
		save, err := d.r.Peek(13)
		if err == nil && strings.EqualFold(string(save), "IF NOT EXISTS") {
			for range 13 {
				d.readByte()
			}
		}
	}
	table, err := d.tableName()
	if err != nil {
		return err
	}
	if err := d.expect('('); err != nil {
		return err
	}
	var cols []string
	for {
		// One definition: a column (a name first) or a key/constraint.
		if err := d.skipSpace(); err != nil {
			return err
		}
		c, err := d.peek()
		if err != nil {
			return ioErr(err)
		}
		if c == ')' {
			d.readByte()
			break
		}
		name, err := d.ident()
		if err != nil {
			return err
		}
		switch strings.ToUpper(name) {
		case "PRIMARY", "KEY", "INDEX", "UNIQUE", "FULLTEXT", "SPATIAL", "CONSTRAINT", "FOREIGN", "CHECK":
			if c != '`' && c != '"' {
				name = ""
			}
		}
		if name != "" {
			cols = append(cols, name)
		}
		end, err := d.skipDefinition()
		if err != nil {
			return err
		}
		if end {
			break
		}
	}
	d.columns[strings.ToLower(table)] = cols
	return d.skipStatement()
}

// skipDefinition skips the rest of one definition in CREATE TABLE, to the
// comma at depth 0 (end false) or the closing parenthesis (end true).
func (d *Dump) skipDefinition() (end bool, err error) {
	depth := 0
	var quote byte
	for {
		c, err := d.readByte()
		if err != nil {
			return false, ioErr(err)
		}
		switch {
		case quote != 0 && c == '\\':
			d.readByte()
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
		case c == '\'' || c == '"' || c == '`':
			quote = c
		case c == '(':
			depth++
		case c == ')' && depth == 0:
			return true, nil
		case c == ')':
			depth--
		case c == ',' && depth == 0:
			return false, nil
		}
	}
}
