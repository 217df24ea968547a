package web

import (
	"fmt"
	"strings"
	"time"

	"fanarchive"
	"fanarchive/internal/auth"
	"fanarchive/internal/mail"
)

// Mail the accounts pages send. Each is built here and queued by the store
// in the same transaction as the account change it tells of.

// linkBase is what links in mail start with: the site's public URL.
func (s *Server) linkBase() string {
	if s.opts.BaseURL == "" {
		return "http://localhost:8080"
	}
	return strings.TrimRight(s.opts.BaseURL, "/")
}

// accountMail builds one mail to one address.
func (s *Server) accountMail(kind, to, subject, text string) (*fanarchive.OutboundMail, error) {
	raw, err := mail.Build(&mail.Message{
		From:    *s.opts.MailFrom,
		To:      []mail.Address{{Address: to}},
		Subject: mail.SingleLine(subject),
		Text:    text,
		Date:    time.Now(),
		Extra:   []mail.Field{{Name: "Auto-Submitted", Value: "auto-generated"}},
	})
	if err != nil {
		return nil, fmt.Errorf("build %s mail: %w", kind, err)
	}
	return &fanarchive.OutboundMail{Kind: kind, From: s.opts.MailFrom.Address, To: to,
		Body: &fanarchive.MailBody{Raw: raw}}, nil
}

// confirmToken makes a confirm-email token for an address, and the link
// that carries its secret.
func (s *Server) confirmToken(email string) (*fanarchive.Token, string) {
	secret, id := auth.NewToken()
	return &fanarchive.Token{ID: id, Purpose: fanarchive.TokenConfirmEmail, Email: email,
		ExpiresAt: time.Now().Add(fanarchive.ConfirmTokenLife)}, s.linkBase() + "/confirm/" + secret
}

// confirmMail is the mail with a confirmation link.
func (s *Server) confirmMail(name, email, link string, change bool) (*fanarchive.OutboundMail, error) {
	what := "to activate your account"
	if change {
		what = "to make it the address of your account"
	}
	return s.accountMail("confirm-email", email, "Confirm your address at "+s.opts.SiteName,
		fmt.Sprintf("Hello %s,\n\nPlease follow this link within 48 hours %s at %s:\n\n%s\n\n"+
			"If you did not ask for this, ignore this mail: nothing happens without the link.\n",
			mail.SingleLine(name), what, s.opts.SiteName, link))
}
