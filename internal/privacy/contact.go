package privacy

import (
	"net/mail"
	"strings"

	"fanarchive"
)

// ContactAddress returns the address a legacy feedback contact names, one
// the archive can send mail to, or "" when it names none. A contact is as
// the header wrote it: a bare address, "Name <address>", "address (Name)",
// a spelled-out address ("kim (at) example dot org") or a name alone.
// Addresses of other networks (bang paths, FidoNet, CompuServe IDs) are not
// ones to send to, and neither is anything fanarchive.ValidateEmail refuses.
// The result is private, like the contact: it proves claims and receives
// relayed feedback, and is never shown.
func ContactAddress(contact string) string {
	contact = strings.TrimSpace(contact)
	if contact == "" {
		return ""
	}
	if a, err := mail.ParseAddress(contact); err == nil {
		if addr, err := fanarchive.ValidateEmail(a.Address); err == nil {
			return addr
		}
	}
	for _, sp := range Find(contact) {
		text := contact[sp.Start:sp.End]
		switch sp.Form {
		case FormMail:
		case FormSpelled:
			text = unspell(text)
		default:
			continue
		}
		if addr, err := fanarchive.ValidateEmail(strings.Trim(text, "<>()[]\"'.,;: ")); err == nil {
			return addr
		}
	}
	return ""
}

// unspell turns a spelled-out address back into one: the first "at"
// between brackets, dashes or spaces into '@', then every spelled "dot"
// of the domain into '.'.
func unspell(s string) string {
	for i := 0; ; {
		k := indexFold(s[i:], "at")
		if k < 0 {
			return s
		}
		j := i + k
		i = j + 2
		if j > 0 && isAlnum(s[j-1]) || j+2 < len(s) && isAlnum(s[j+2]) {
			continue
		}
		start, end, _ := atSeparator(s, j)
		if start < 0 {
			continue
		}
		return s[:start] + "@" + spelledDot.ReplaceAllString(s[end:], ".")
	}
}
