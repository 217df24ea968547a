package signing

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"testing"
)

type secrets struct{ calls int }

func (s *secrets) Secret(_ context.Context, name string) ([]byte, error) {
	s.calls++
	if name == "broken" {
		return nil, errors.New("no database")
	}
	return []byte("key of " + name), nil
}

func TestSum(t *testing.T) {
	h := hmac.New(sha256.New, []byte("k"))
	h.Write([]byte("reply\x00payload"))
	if !hmac.Equal(Sum([]byte("k"), "reply", "payload"), h.Sum(nil)) {
		t.Error("Sum is not HMAC-SHA256 of purpose NUL payload")
	}
	if hmac.Equal(Sum([]byte("k"), "reply", "payload"), Sum([]byte("k"), "stop", "payload")) {
		t.Error("two purposes give one sum")
	}
	if hmac.Equal(Sum([]byte("k"), "a", "bc"), Sum([]byte("k"), "ab", "c")) {
		t.Error("the purpose and payload run together")
	}
}

func TestKeyReadOnce(t *testing.T) {
	s := &secrets{}
	k := &Key{}
	for range 3 {
		b, err := k.Get(context.Background(), s, "lists")
		if err != nil || string(b) != "key of lists" {
			t.Fatalf("Get: %q, %v", b, err)
		}
	}
	if s.calls != 1 {
		t.Errorf("the secret was read %d times", s.calls)
	}
	if _, err := (&Key{}).Get(context.Background(), s, "broken"); err == nil {
		t.Error("a store error is not returned")
	}
}
