package privacy

import "testing"

func TestContactAddress(t *testing.T) {
	for contact, want := range map[string]string{
		"":                                   "",
		"Maple Stone":                        "",
		"maple.stone@example.org":            "maple.stone@example.org",
		"  Maple.Stone@Example.org ":         "Maple.Stone@Example.org",
		"Maple Stone <maple@example.org>":    "maple@example.org",
		`"Stone, Maple" <maple@example.org>`: "maple@example.org",
		"maple@example.org (Maple Stone)":    "maple@example.org",
		"mail me: maple@example.org!":        "maple@example.org",
		"<maple@example.org>":                "maple@example.org",
		"ash (at) example dot net":           "ash@example.net",
		"Ash Wren, ash [at] harbor (dot) example (dot) org": "ash@harbor.example.org",
		"ash -at- example.net":                              "ash@example.net",
		"kelpvax!shorenet!rowan":                            "", // a bang path: no one to mail
		"Rowan (71234,567)":                                 "", // CompuServe
		"rowan@vmhost":                                      "", // no dot in the domain
		"first@example.org, second@example.net":             "first@example.org",
		"Maple <maple@example.org>\r\nBcc: x@example.net":   "maple@example.org",
	} {
		if got := ContactAddress(contact); got != want {
			t.Errorf("ContactAddress(%q) = %q, want %q", contact, got, want)
		}
	}
}
