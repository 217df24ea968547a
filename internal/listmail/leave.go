package listmail

import (
	"fmt"

	"fanarchive"
	"fanarchive/internal/mail"
)

// UnsubscribeNotice answers a request to leave that carried no token (a
// bare "unsubscribe", whose sender anyone could forge): the member is sent
// their own signed link, so only the address's owner can leave with it.
// Kind MailKindListNotice.
func (c *Config) UnsubscribeNotice(l *fanarchive.List, m *fanarchive.ListMember) (*fanarchive.OutboundMail, error) {
	title := mail.SingleLine(l.Title)
	text := fmt.Sprintf("Someone, perhaps you, asked for %s to leave the %s mailing list.\n\nTo leave, open this link and press the button:\n\n  %s\n\n"+
		"If you did not ask, ignore this message: you stay a member.\n\n-- \n%s\n",
		m.Address, title, c.UnsubscribeURL(l, UnsubscribeToken(c.Key, l.ID, m.ID, c.now())), title)
	return c.notice(fanarchive.MailKindListNotice, l, mail.Address{Name: m.Name, Address: m.Address}, title+": leaving the list", text, "", "auto-replied")
}
