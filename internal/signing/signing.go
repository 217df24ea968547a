// Package signing is what the archive's signed tokens share: the keyed
// hash they are made with, and a store secret read once. The feedback
// relay's addresses, the lists' return paths and unsubscribe links and the
// comments' reply addresses each encode and cut the hash their own way.
package signing

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"sync"
)

// Sum returns HMAC-SHA256 under key of purpose, a NUL and payload: the
// purpose keeps a token made for one use from passing for another.
func Sum(key []byte, purpose, payload string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(purpose))
	h.Write([]byte{0})
	h.Write([]byte(payload))
	return h.Sum(nil)
}

// Secrets gives named server secrets (fanarchive.AccountMaintenance).
type Secrets interface {
	Secret(ctx context.Context, name string) ([]byte, error)
}

// Key is a store secret, read the first time it is asked for and kept.
// The zero value is ready; it is safe for concurrent use. One Key holds
// one secret: always ask it for the same name.
type Key struct {
	mu  sync.Mutex
	key []byte
}

// Get returns the secret name, reading it from store the first time.
func (k *Key) Get(ctx context.Context, store Secrets, name string) ([]byte, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.key == nil {
		b, err := store.Secret(ctx, name)
		if err != nil {
			return nil, fmt.Errorf("%s key: %w", name, err)
		}
		k.key = b
	}
	return k.key, nil
}
