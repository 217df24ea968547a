package mailin

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"fanarchive"
)

func TestReadSpool(t *testing.T) {
	at := time.Date(2026, 12, 3, 17, 0, 0, 0, time.UTC)
	good := Envelope{From: "a@example.net", To: []string{"l3@lists.test"}, RemoteAddr: "127.0.0.1:5000", Helo: "client.test", ReceivedAt: at}
	var buf bytes.Buffer
	writeEnvelope(&buf, good)
	line := buf.String()
	tests := []struct {
		name, in string
		ok       bool
		msg      string
	}{
		{"good", line + "Subject: x\r\n\r\nbody\r\n", true, "Subject: x\r\n\r\nbody\r\n"},
		{"empty message", line, true, ""},
		{"no magic", "hello\n", false, ""},
		{"other version", "fanarchive-spool 2 {}\n", false, ""},
		{"no newline", strings.TrimSuffix(line, "\n"), false, ""},
		{"bad JSON", spoolMagic + "{\"from\":\n", false, ""},
		{"unknown field", spoolMagic + `{"to":["a@b"],"received_at":"2026-12-03T17:00:00Z","x":1}` + "\n", false, ""},
		{"trailing data", spoolMagic + `{"to":["a@b"],"received_at":"2026-12-03T17:00:00Z"} {}` + "\n", false, ""},
		{"no recipient", spoolMagic + `{"to":[],"received_at":"2026-12-03T17:00:00Z"}` + "\n", false, ""},
		{"empty recipient", spoolMagic + `{"to":[""],"received_at":"2026-12-03T17:00:00Z"}` + "\n", false, ""},
		{"no time", spoolMagic + `{"to":["a@b"]}` + "\n", false, ""},
		{"control character", spoolMagic + `{"to":["a@b\r\nX: y"],"received_at":"2026-12-03T17:00:00Z"}` + "\n", false, ""},
		{"minimal", spoolMagic + `{"to":["a@b"],"received_at":"2026-12-03T17:00:00Z"}` + "\nm", true, "m"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, msg, err := ReadSpool(strings.NewReader(tt.in))
			if (err == nil) != tt.ok {
				t.Fatalf("error %v, want ok=%v", err, tt.ok)
			}
			if err != nil {
				if fanarchive.ErrorCode(err) != fanarchive.EINVALID {
					t.Errorf("error %v is not EINVALID", err)
				}
				return
			}
			if string(msg) != tt.msg {
				t.Errorf("message %q, want %q", msg, tt.msg)
			}
			if tt.name == "good" && !reflect.DeepEqual(env, good) {
				t.Errorf("envelope %+v, want %+v", env, good)
			}
		})
	}
}

// FuzzReadSpool: ReadSpool never panics, and what it reads it writes back
// the same.
func FuzzReadSpool(f *testing.F) {
	var buf bytes.Buffer
	writeEnvelope(&buf, Envelope{From: "a@example.net", To: []string{"l3@lists.test", "fic@lists.test"}, RemoteAddr: "[::1]:25", Helo: "h", ReceivedAt: time.Date(2026, 12, 3, 17, 0, 0, 0, time.FixedZone("", 3600))})
	f.Add(buf.String() + "Subject: x\r\n\r\nbody\r\n")
	f.Add(spoolMagic + `{"to":["a@b"],"received_at":"2026-12-03T17:00:00Z"}` + "\n")
	f.Add(spoolMagic + `{"from":"","to":["a@b"],"received_at":"2026-12-03T17:00:00.123456789+01:00"}` + "\nx")
	f.Add(spoolMagic + "{}\n")
	f.Add("")
	f.Fuzz(func(t *testing.T, in string) {
		env, msg, err := ReadSpool(strings.NewReader(in))
		if err != nil {
			if fanarchive.ErrorCode(err) != fanarchive.EINVALID {
				t.Fatalf("error %v is not EINVALID", err)
			}
			return
		}
		var out bytes.Buffer
		if err := writeEnvelope(&out, env); err != nil {
			t.Fatal(err)
		}
		out.Write(msg)
		env2, msg2, err := ReadSpool(&out)
		if err != nil {
			t.Fatalf("rewritten spool file unreadable: %v", err)
		}
		if !bytes.Equal(msg, msg2) || env2.From != env.From || !reflect.DeepEqual(env2.To, env.To) || !env2.ReceivedAt.Equal(env.ReceivedAt) ||
			env2.Helo != env.Helo || env2.RemoteAddr != env.RemoteAddr {
			t.Fatalf("round trip: %+v %q, then %+v %q", env, msg, env2, msg2)
		}
	})
}

// TestCheckWriter: the checks hold however the message is cut into writes.
func TestCheckWriter(t *testing.T) {
	rcv := strings.Repeat("Received: x\r\n", 30)
	tests := []struct {
		name, msg string
		limit     int64
		want      error
	}{
		{"plain", "Subject: a\r\n\r\nb\r\n", 0, nil},
		{"30 Received", rcv + "\r\nb", 0, nil},
		{"31 Received", "received: y\r\n" + rcv + "\r\nb", 0, errLoop},
		{"31 with LF", strings.Repeat("RECEIVED: z\n", 31), 0, errLoop},
		{"continuation lines do not count", rcv + " Received: folded\r\n\r\n", 0, nil},
		{"Received in the body", "S: a\n\n" + rcv + rcv, 0, nil},
		{"a field name like it", strings.Repeat("Received-SPF: pass\r\n", 40), 0, nil},
		{"NUL", "S: a\r\n\r\n\x00", 0, errNUL},
		{"at the limit", "12345", 5, nil},
		{"over the limit", "123456", 5, errTooBig},
	}
	for _, tt := range tests {
		for _, chunk := range []int{1, 3, 1 << 20} {
			c := &checkWriter{w: io.Discard, limit: tt.limit}
			var err error
			for s := tt.msg; s != "" && err == nil; {
				n := min(chunk, len(s))
				_, err = c.Write([]byte(s[:n]))
				s = s[n:]
			}
			if !errors.Is(err, tt.want) {
				t.Errorf("%s in writes of %d: %v, want %v", tt.name, chunk, err, tt.want)
			}
		}
	}
}

func TestPrintable(t *testing.T) {
	tests := []struct{ in, want string }{
		{"client.test", "client.test"},
		{"", "def"},
		{"a\r\nX-Evil: 1", "a??X-Evil:?1"},
		{"(comment) <addr>", "_comment_?_addr_"},
		{"héllo", "h?llo"},
		{strings.Repeat("a", 300), strings.Repeat("a", 200)},
	}
	for _, tt := range tests {
		if got := printable(tt.in, "def"); got != tt.want {
			t.Errorf("printable(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNormalizeAddress(t *testing.T) {
	for in, want := range map[string]string{
		"L3@Lists.TEST":  "L3@lists.test",
		"postmaster":     "postmaster",
		"":               "",
		`"a@b"@EXAMPLE.`: `"a@b"@example.`,
	} {
		if got := NormalizeAddress(in); got != want {
			t.Errorf("NormalizeAddress(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestValidKey(t *testing.T) {
	k := newKey(time.Now())
	for name, want := range map[string]bool{k: true, "": false, ".swp": false, "a/b": false, "x y": false, strings.Repeat("a", 65): false, "abc-1_2.3": true} {
		if validKey(name) != want {
			t.Errorf("validKey(%q) = %v", name, !want)
		}
	}
}

// FuzzCheckWriter: the streaming checks agree with a plain reading of the
// whole message, however it is cut into writes.
func FuzzCheckWriter(f *testing.F) {
	f.Add(strings.Repeat("Received: x\r\n", 31)+"\r\nbody", 7)
	f.Add("Subject: a\n\nReceived: b\n", 1)
	f.Add("a\x00b", 2)
	f.Add(strings.Repeat("received:", 40), 9)
	f.Fuzz(func(t *testing.T, msg string, chunk int) {
		if chunk <= 0 {
			chunk = 1 + (-chunk)%64
		}
		const limit = 4096
		want := len(msg) <= limit && !strings.ContainsRune(msg, 0)
		n := 0
		for _, line := range strings.Split(msg, "\n") {
			if line == "" || line == "\r" {
				break
			}
			if len(line) >= 9 && strings.EqualFold(line[:9], "received:") {
				n++
			}
		}
		want = want && n <= MaxReceived
		c := &checkWriter{w: io.Discard, limit: limit}
		var err error
		for s := msg; s != "" && err == nil; {
			k := min(chunk, len(s))
			_, err = c.Write([]byte(s[:k]))
			s = s[k:]
		}
		if (err == nil) != want {
			t.Fatalf("in writes of %d: %v, want ok=%v (%d Received:)", chunk, err, want, n)
		}
	})
}
