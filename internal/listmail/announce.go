package listmail

import (
	"fmt"
	"strings"

	"fanarchive"
	"fanarchive/internal/mail"
)

// Announcement is a work of the site announced to a list (issue 9, "site
// to list"): its summary fields, and its whole text for lists that take
// it (fanarchive.AnnounceFull).
type Announcement struct {
	// From is who the post is from: the archive's address, named for the
	// author ("Chloe Sullivan via Level Three Records Room"), so the
	// author's own address is never shown and DMARC never fails.
	From     mail.Address
	Title    string
	Authors  []string
	Rating   string
	Fandoms  []string
	Tags     []string
	Summary  string
	URL      string // the work's page
	Words    int
	Chapters string // "3/7", "1/1", "" when unknown
	// Update says a work already announced has a new chapter.
	Update bool
	// Text is the whole text (plain text) for a full announcement; ""
	// for a summary.
	Text string
}

// BuildAnnounce builds the message that announces a work to a list, as if
// posted to it: From a.From, To the list, the subject a fiction list would
// give it ("NEW: Title (3/7) [PG]", or "UPDATE: …"), and a text of the
// work's fields (Title, Author, Rating, Fandom, Tags, Summary), a link, and
// for a full announcement the whole text. The engine then hands it to
// BuildPost like any received post, so it gets the tag and the list's
// fields; it should not file it as a work again (the work is the site's).
// Returns EINVALID for a work without a title or a bad From.
func (c *Config) BuildAnnounce(l *fanarchive.List, a *Announcement) ([]byte, error) {
	title := mail.SingleLine(a.Title)
	if title == "" {
		return nil, fanarchive.Errorf(fanarchive.EINVALID, "An announced work needs a title.")
	}
	authors := make([]string, 0, len(a.Authors))
	for _, au := range a.Authors {
		if au = mail.SingleLine(au); au != "" {
			authors = append(authors, au)
		}
	}
	subject := "NEW: " + title
	if a.Update {
		subject = "UPDATE: " + title
	}
	if ch := mail.SingleLine(a.Chapters); ch != "" {
		subject += " (" + ch + ")"
	}
	if r := mail.SingleLine(a.Rating); r != "" {
		subject += " [" + r + "]"
	}

	var b strings.Builder
	field := func(name, value string) {
		if value = mail.SingleLine(value); value != "" {
			fmt.Fprintf(&b, "%s: %s\n", name, value)
		}
	}
	field("Title", title)
	field("Author", strings.Join(authors, ", "))
	field("Rating", a.Rating)
	field("Fandom", strings.Join(a.Fandoms, ", "))
	field("Tags", strings.Join(a.Tags, ", "))
	if a.Words > 0 {
		field("Words", fmt.Sprint(a.Words))
	}
	field("Chapters", a.Chapters)
	if s := strings.TrimSpace(a.Summary); s != "" {
		fmt.Fprintf(&b, "Summary: %s\n", strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\n  "))
	}
	b.WriteString("\n")
	if text := strings.TrimSpace(a.Text); text != "" {
		b.WriteString(text + "\n\n")
		if a.URL != "" {
			fmt.Fprintf(&b, "-- \nThis story is archived at %s\n", a.URL)
		}
	} else if a.URL != "" {
		fmt.Fprintf(&b, "Read it at %s\n", a.URL)
	}
	return mail.Build(&mail.Message{
		From:      mail.Address{Name: mail.SingleLine(a.From.Name), Address: a.From.Address},
		To:        []mail.Address{{Name: mail.SingleLine(l.Title), Address: l.Address}},
		Subject:   short(subject, 300),
		Text:      b.String(),
		Date:      c.now(),
		MessageID: c.newMessageID(domainOf(a.From.Address)),
	})
}

// domainOf is the domain of an address, "localhost" when it has none.
func domainOf(addr string) string {
	if at := strings.LastIndexByte(addr, '@'); at >= 0 && at < len(addr)-1 {
		return addr[at+1:]
	}
	return "localhost"
}
