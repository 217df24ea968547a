package mail

import (
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"unicode"

	"fanarchive"
)

// Default ports: submission with STARTTLS (RFC 6409) and submission over
// implicit TLS (RFC 8314).
const (
	defaultSMTPPort  = "587"
	defaultSMTPSPort = "465"
)

// ParseSMTPURL reads a smarthost's URL:
//
//	smtp://[user:password@]host[:port]    port 587; STARTTLS when offered, required with a user
//	smtps://[user:password@]host[:port]   port 465; TLS from the start
//
// The user and password are percent-encoded as in any URL. Nothing else
// (path, query, fragment) is allowed, so that a typo is an error rather
// than ignored. Returns EINVALID.
func ParseSMTPURL(raw string) (*SMTP, error) {
	bad := func(format string, args ...any) error {
		return fanarchive.Errorf(fanarchive.EINVALID, "SMTP URL: "+format, args...)
	}
	u, err := url.Parse(raw)
	if err != nil {
		// url's errors repeat the URL, password included.
		return nil, bad("not a URL (smtp://user:password@host:port)")
	}
	t := &SMTP{}
	port := defaultSMTPPort
	switch u.Scheme {
	case "smtp":
	case "smtps":
		t.ImplicitTLS, port = true, defaultSMTPSPort
	default:
		return nil, bad("the scheme must be smtp:// or smtps://")
	}
	if u.Opaque != "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return nil, bad("only smtp[s]://user:password@host:port, with no path, query or fragment")
	}
	host := u.Hostname()
	if !validHost(host) || (strings.Contains(host, ":") && !strings.HasPrefix(u.Host, "[")) {
		return nil, bad("a host name or IP address is needed")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, bad("the port must be a number from 1 to 65535")
		}
		port = strconv.Itoa(n)
	} else if strings.HasSuffix(u.Host, ":") {
		return nil, bad("the port is empty")
	}
	t.Addr = net.JoinHostPort(host, port)
	if u.User != nil {
		t.Username = u.User.Username()
		t.Password, _ = u.User.Password()
		if t.Username == "" || t.Password == "" {
			return nil, bad("give both a user and a password, or neither")
		}
		if strings.ContainsFunc(t.Username+t.Password, unicode.IsControl) {
			return nil, bad("the user and password may not hold control characters")
		}
	}
	return t, nil
}

// validHost reports whether host is an IP address or a DNS name (ASCII:
// an international name in its xn-- form).
func validHost(host string) bool {
	if a, err := netip.ParseAddr(host); err == nil {
		return a.Zone() == "" || validHost(a.Zone())
	}
	if host == "" || len(host) > 253 {
		return false
	}
	for _, label := range strings.Split(strings.TrimSuffix(host, "."), ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

// String returns the smarthost's URL without the password.
func (t *SMTP) String() string {
	u := url.URL{Scheme: "smtp", Host: t.Addr}
	if t.ImplicitTLS {
		u.Scheme = "smtps"
	}
	if t.Username != "" {
		u.User = url.User(t.Username)
	}
	return u.String()
}

// GoString keeps the password out of %#v too.
func (t *SMTP) GoString() string { return fmt.Sprintf("mail.SMTP(%s)", t) }
