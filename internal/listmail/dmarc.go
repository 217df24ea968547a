package listmail

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"time"
)

// DMARCPolicy returns the DMARC policy (RFC 7489) that a domain's mail is
// under: "none", "quarantine", "reject", or "" when the domain publishes
// none. BuildPost rewrites From for quarantine and reject; an error keeps
// From.
type DMARCPolicy func(ctx context.Context, domain string) (policy string, err error)

// LookupDMARC is DMARCLookup with the system's resolver.
func LookupDMARC(ctx context.Context, domain string) (string, error) {
	return DMARCLookup(net.DefaultResolver)(ctx, domain)
}

// DMARCLookup returns a DMARCPolicy that asks r for the TXT records of
// _dmarc.DOMAIN and reads the first "v=DMARC1" one's p=. When the domain
// has none and more than two labels, the organizational domain is asked
// instead, simplified to the last two labels (no public suffix list: for
// "mail.example.co.uk" that asks "co.uk", which publishes nothing), and its
// sp= (subdomain policy) is taken, else its p=. A name that does not exist
// is no policy, not an error.
func DMARCLookup(r *net.Resolver) DMARCPolicy {
	return func(ctx context.Context, domain string) (string, error) {
		domain = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(domain)), ".")
		if domain == "" || strings.ContainsAny(domain, " \t\r\n/\\@") {
			return "", nil
		}
		p, _, found, err := lookupDMARCRecord(ctx, r, domain)
		if err != nil || found {
			return p, err
		}
		labels := strings.Split(domain, ".")
		if len(labels) <= 2 {
			return "", nil
		}
		org := strings.Join(labels[len(labels)-2:], ".")
		p, sp, found, err := lookupDMARCRecord(ctx, r, org)
		if err != nil || !found {
			return "", err
		}
		if sp != "" {
			return sp, nil
		}
		return p, nil
	}
}

// lookupDMARCRecord reads the DMARC record of one domain.
func lookupDMARCRecord(ctx context.Context, r *net.Resolver, domain string) (p, sp string, found bool, err error) {
	txts, err := r.LookupTXT(ctx, "_dmarc."+domain)
	if err != nil {
		var dnsErr *net.DNSError
		if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
			return "", "", false, nil
		}
		return "", "", false, err
	}
	for _, t := range txts {
		if p, sp, ok := ParseDMARC(t); ok {
			return p, sp, true, nil
		}
	}
	return "", "", false, nil
}

// ParseDMARC reads a DMARC TXT record: its policy p= and subdomain policy
// sp= ("" when absent or unknown), lower case. ok is false when the record
// is not DMARC ("v=DMARC1" first). A record with an unknown p= is "none",
// as RFC 7489 says.
func ParseDMARC(txt string) (p, sp string, ok bool) {
	tags := strings.Split(txt, ";")
	if len(tags) == 0 || !strings.EqualFold(strings.ReplaceAll(strings.TrimSpace(tags[0]), " ", ""), "v=DMARC1") {
		return "", "", false
	}
	policy := func(v string) string {
		switch v = strings.ToLower(strings.TrimSpace(v)); v {
		case "none", "quarantine", "reject":
			return v
		}
		return ""
	}
	p = "none"
	for _, t := range tags[1:] {
		k, v, _ := strings.Cut(t, "=")
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "p":
			if v := policy(v); v != "" {
				p = v
			}
		case "sp":
			sp = policy(v)
		}
	}
	return p, sp, true
}

// CacheDMARC returns lookup with a cache: a domain's answer is kept for
// ttl (an error for a tenth of it, at least a second, so a resolver that is
// down is not asked for every post), at most 10,000 domains (the oldest
// half forgotten when full). Safe for concurrent use.
func CacheDMARC(lookup DMARCPolicy, ttl time.Duration) DMARCPolicy {
	type entry struct {
		policy  string
		err     error
		expires time.Time
	}
	var mu sync.Mutex
	cache := map[string]entry{}
	return func(ctx context.Context, domain string) (string, error) {
		domain = strings.ToLower(domain)
		now := time.Now()
		mu.Lock()
		e, ok := cache[domain]
		mu.Unlock()
		if ok && now.Before(e.expires) {
			return e.policy, e.err
		}
		p, err := lookup(ctx, domain)
		life := ttl
		if err != nil {
			life = max(time.Second, ttl/10)
		}
		mu.Lock()
		if len(cache) >= 10_000 {
			for k, v := range cache {
				if len(cache) < 5_000 {
					break
				}
				if v.expires.Before(now.Add(ttl / 2)) {
					delete(cache, k)
				}
			}
			if len(cache) >= 10_000 {
				clear(cache)
			}
		}
		cache[domain] = entry{p, err, now.Add(life)}
		mu.Unlock()
		return p, err
	}
}
