package auth

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fast are cheap parameters for tests that hash often.
var fast = Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

func TestHashVerify(t *testing.T) {
	ctx := context.Background()
	h := NewHasher(DefaultParams, 0)
	enc, err := h.Hash(ctx, "correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=19456,t=2,p=1$") || len(strings.Split(enc, "$")) != 6 {
		t.Fatalf("hash %q is not in the PHC format with the default parameters", enc)
	}
	if again, _ := h.Hash(ctx, "correct horse battery staple"); again == enc {
		t.Error("two hashes of one password are equal: no salt")
	}
	for pw, want := range map[string]bool{"correct horse battery staple": true, "correct horse battery stapl": false, "": false,
		"Correct horse battery staple": false} {
		ok, rehash, err := h.Verify(ctx, pw, enc)
		if err != nil || ok != want || rehash {
			t.Errorf("Verify(%q) = %v, %v, %v; want %v, false, nil", pw, ok, rehash, err, want)
		}
	}
	// A hash made with other parameters verifies and asks to be rehashed.
	old, _ := NewHasher(fast, 1).Hash(ctx, "pw")
	if ok, rehash, err := h.Verify(ctx, "pw", old); !ok || !rehash || err != nil {
		t.Errorf("old-parameter hash: ok=%v rehash=%v err=%v; want true, true, nil", ok, rehash, err)
	}
	if h.VerifyDummy(ctx, "anything") {
		t.Error("VerifyDummy said yes")
	}
}

func TestVerifyRefusesBadHashes(t *testing.T) {
	h := NewHasher(fast, 1)
	for _, enc := range []string{"", "plain", "$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=18$m=64,t=1,p=1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5", // 95 GiB: refused, not tried
		"$argon2id$v=19$m=64,t=1,p=1$!!$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0$",
	} {
		if ok, _, err := h.Verify(context.Background(), "pw", enc); ok || err == nil {
			t.Errorf("Verify against %q: ok=%v err=%v, want an error", enc, ok, err)
		}
	}
}

// TestHasherBoundsConcurrency: however many hash at once, no more than the
// Hasher's slots run argon2 at the same time, and a caller whose request
// is cancelled while waiting gives up.
func TestHasherBoundsConcurrency(t *testing.T) {
	h := NewHasher(Params{Memory: 4096, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, 2)
	var running, peak atomic.Int64
	var wg sync.WaitGroup
	for range 40 {
		wg.Go(func() {
			if err := h.acquire(context.Background()); err != nil {
				t.Error(err)
				return
			}
			n := running.Add(1)
			for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
			}
			h.encode("pw")
			running.Add(-1)
			h.release()
		})
	}
	wg.Wait()
	if peak.Load() > 2 {
		t.Errorf("%d hashes ran at once, want at most 2", peak.Load())
	}
	// Both slots taken: a cancelled caller does not wait for them.
	h.sem <- struct{}{}
	h.sem <- struct{}{}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := h.Hash(ctx, "pw"); err == nil {
		t.Error("Hash succeeded with no free slot")
	}
}

func TestTokens(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		secret, id := NewToken()
		if len(secret) != 43 || !WellFormedToken(secret) || len(id) != 64 || TokenID(secret) != id || seen[secret] {
			t.Fatalf("bad token %q / %q", secret, id)
		}
		seen[secret] = true
	}
	for _, bad := range []string{"", "short", strings.Repeat("a", 42), strings.Repeat("*", 43), strings.Repeat("a", 44)} {
		if WellFormedToken(bad) {
			t.Errorf("WellFormedToken(%q) = true", bad)
		}
	}
	key := []byte("0123456789abcdef0123456789abcdef")
	tok := CSRFToken(key, "session-a")
	if !CheckCSRF(key, "session-a", tok) || CheckCSRF(key, "session-b", tok) || CheckCSRF([]byte("other"), "session-a", tok) ||
		CheckCSRF(key, "session-a", "") {
		t.Error("CSRF tokens are not bound to their session and key")
	}
}

// BenchmarkHash is one argon2id hash with the default parameters: what a
// log-in costs the server (see also web's BenchmarkLogIn).
func BenchmarkHash(b *testing.B) {
	h := NewHasher(DefaultParams, 0)
	ctx := context.Background()
	for b.Loop() {
		if _, err := h.Hash(ctx, "correct horse battery staple"); err != nil {
			b.Fatal(err)
		}
	}
}
