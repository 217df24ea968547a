package lists

import (
	"context"
	"fmt"
	"testing"
	"time"

	"fanarchive"
	"fanarchive/internal/mailin"
)

// FuzzDeliver hands the engine arbitrary messages for a list's addresses:
// it never panics, takes each (nil) or refuses it for good (EINVALID), and
// keeps what it took: a posted, held or refused message whose bytes are
// the message's.
func FuzzDeliver(f *testing.F) {
	for _, s := range []string{
		"From: a@example.com\r\nSubject: hi\r\n\r\nHello.\r\n",
		"From: a@example.com\r\nSubject: The Night Ferry (1/2)\r\n\r\nTitle: The Night Ferry\r\nAuthor: Pell\r\n\r\nOnce upon a time.\r\n",
		"From: a@example.com\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/html\r\n\r\n<script>x</script>\r\n",
		"X-Loop: level3@lists.example.org\r\n\r\nloop",
		"subscribe digest",
		"\x00\xff\xfe garbage",
		"",
	} {
		f.Add([]byte(s), uint8(0))
		f.Add([]byte(s), uint8(1))
	}
	h := newHarness(f, &fanarchive.List{Name: "level3", Address: "level3@lists.example.org", Title: "Level Three", Policy: fanarchive.ListOpen})
	f.Fuzz(func(t *testing.T, raw []byte, to uint8) {
		rcpt := []string{"level3@lists.example.org", "level3-request@lists.example.org", "level3-bounces+m1-abcdefgh@lists.example.org",
			"level3-moderate+1-abcdefghijkl@lists.example.org", "level3-confirm+aaaaaaaaaaaaaaaaaaaaaaaaaa@lists.example.org"}[int(to)%5]
		key := fmt.Sprintf("fuzz-%d", time.Now().UnixNano())
		before := h.count(t)
		err := h.engine.Deliver(context.Background(), mailin.Envelope{From: "a@example.com", To: []string{rcpt}, ReceivedAt: time.Now()}, raw, key)
		if err != nil && fanarchive.ErrorCode(err) != fanarchive.EINVALID {
			t.Fatalf("Deliver: %v", err)
		}
		if err == nil && int(to)%5 == 0 {
			if after := h.count(t); after != before+1 {
				t.Fatalf("a post was taken but %d messages stored", after-before)
			}
		}
	})
}
