package listmail

import (
	"strconv"
	"strings"
	"sync"
	"time"

	"fanarchive"
)

// Fanout returns the fanarchive.ListFanout that mails a post's shared body
// (BuildPost's Post.Raw) to each chunk of members, as kind
// MailKindListPost: every mail shares one *MailBody (the store sets its ID
// after the first chunk), with the member's own fields and VERP return
// path (MemberMail). key names each mail for the outbox's idempotency,
// e.g. "list-post:MESSAGE:MEMBER"; nil means no key.
func (c *Config) Fanout(l *fanarchive.List, body []byte, key func(m *fanarchive.ListMessage, member *fanarchive.ListMember) string) fanarchive.ListFanout {
	shared := &fanarchive.MailBody{Raw: body}
	return func(msg *fanarchive.ListMessage, members []*fanarchive.ListMember) ([]*fanarchive.OutboundMail, error) {
		out := make([]*fanarchive.OutboundMail, 0, len(members))
		for _, m := range members {
			k := ""
			if key != nil {
				k = key(msg, m)
			}
			om, err := c.MemberMail(fanarchive.MailKindListPost, k, l, m, shared)
			if err != nil {
				return nil, err
			}
			out = append(out, om)
		}
		return out, nil
	}
}

// DigestNumber is a digest's volume and issue by date: the volume counts
// the years since the list was created (1 in its first year), the issue
// the days of that year of the list (1 on the day it was created, and on
// each anniversary). A list sends at most one digest a day but for
// overflow (more than ListDigestMaxMessages posts), whose second digest has
// the same number and another Message-ID.
func DigestNumber(l *fanarchive.List, now time.Time) (volume, issue int) {
	start := l.CreatedAt.UTC()
	if start.IsZero() || start.After(now) {
		start = now.UTC()
	}
	volume = 1
	for {
		next := start.AddDate(1, 0, 0)
		if next.After(now) {
			break
		}
		start = next
		volume++
	}
	day := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }
	issue = int(day(now.UTC()).Sub(day(start))/(24*time.Hour)) + 1
	return volume, issue
}

// DigestBuilder returns the fanarchive.ListDigestBuilder that the store's
// QueueListDigests calls: it builds a list's digest once for its messages
// (numbered by number, nil meaning DigestNumber at the clock's now) and
// mails it to each chunk of digest members, as kind MailKindListDigest,
// sharing one *MailBody, each with its own fields and VERP return path.
// key names each mail for the outbox, e.g. "list-digest:LIST:DAY:MEMBER";
// nil means no key. Chunks of one call share a body when they come in
// ascending member IDs (a chunk starting below the last one's members
// begins a new call, e.g. a retry after a rollback, and gets a new body
// whose ID is not set). Safe for concurrent use, but one builder serves
// one QueueListDigests call at a time. Fanout, likewise, is for one store
// call: make a new one for each.
func (c *Config) DigestBuilder(number func(l *fanarchive.List) (volume, issue int), key func(l *fanarchive.List, d *Digest, member *fanarchive.ListMember) string) fanarchive.ListDigestBuilder {
	var mu sync.Mutex
	lastKey := ""
	var last *Digest
	var lastBody *fanarchive.MailBody
	var lastMember int64
	return func(l *fanarchive.List, messages []*fanarchive.ListMessage, members []*fanarchive.ListMember) ([]*fanarchive.OutboundMail, error) {
		var ids strings.Builder
		ids.WriteString(strconv.FormatInt(l.ID, 10))
		for _, m := range messages {
			ids.WriteString("," + strconv.FormatInt(m.ID, 10))
		}
		first, top := int64(0), int64(0)
		for i, m := range members {
			if i == 0 || m.ID < first {
				first = m.ID
			}
			top = max(top, m.ID)
		}
		mu.Lock()
		d, body := last, lastBody
		switch {
		case lastKey == ids.String() && first > lastMember:
			// The next chunk of the same digest in the same call: the
			// same body (the store has set its ID).
		case lastKey == ids.String():
			// The same digest again from the first members: a call of
			// its own (a retry after a rollback), so a body of its own,
			// whose ID the store has not set.
			body = &fanarchive.MailBody{Raw: d.Raw}
			lastBody = body
		default:
			vol, iss := 0, 0
			if number != nil {
				vol, iss = number(l)
			} else {
				vol, iss = DigestNumber(l, c.now())
			}
			var err error
			if d, err = c.BuildDigest(l, vol, iss, messages); err != nil {
				mu.Unlock()
				return nil, err
			}
			body = &fanarchive.MailBody{Raw: d.Raw}
			lastKey, last, lastBody = ids.String(), d, body
		}
		lastMember = top
		mu.Unlock()
		out := make([]*fanarchive.OutboundMail, 0, len(members))
		for _, m := range members {
			k := ""
			if key != nil {
				k = key(l, d, m)
			}
			om, err := c.MemberMail(fanarchive.MailKindListDigest, k, l, m, body)
			if err != nil {
				return nil, err
			}
			out = append(out, om)
		}
		return out, nil
	}
}
