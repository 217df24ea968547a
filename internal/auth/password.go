// Package auth is the archive's security core: argon2id password hashes,
// random tokens of which only a hash is stored, CSRF tokens bound to a
// session, and the authorisation matrix (Can) that every write route is
// checked against. Design: docs/accounts.md.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id's cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
	SaltLen uint32 // bytes
	KeyLen  uint32 // bytes
}

// DefaultParams are OWASP's first recommendation for argon2id (m=19 MiB,
// t=2, p=1): about 30 ms per hash on one core of the 2-vCPU machine
// (docs/benchmarks.md).
var DefaultParams = Params{Memory: 19 * 1024, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

// Hasher hashes and verifies passwords with argon2id, at most a fixed number
// at a time: each hash holds Memory KiB for its duration, so a flood of
// log-ins waits its turn instead of exhausting memory. Safe for concurrent
// use.
type Hasher struct {
	params Params
	sem    chan struct{}
	dummy  string // a hash of nothing anyone knows, for unknown accounts
}

// NewHasher returns a Hasher with params that runs at most concurrency
// hashes at once (0 means runtime.NumCPU()).
func NewHasher(params Params, concurrency int) *Hasher {
	if concurrency <= 0 {
		concurrency = runtime.NumCPU()
	}
	h := &Hasher{params: params, sem: make(chan struct{}, concurrency)}
	h.dummy = h.encode(rand.Text())
	return h
}

// Params returns the parameters new hashes are made with.
func (h *Hasher) Params() Params { return h.params }

// acquire waits for a hashing slot, or for ctx to end.
func (h *Hasher) acquire(ctx context.Context) error {
	select {
	case h.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h *Hasher) release() { <-h.sem }

// Hash returns the password's argon2id hash in the PHC string format,
// $argon2id$v=19$m=19456,t=2,p=1$SALT$KEY (unpadded base64).
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	return h.encode(password), nil
}

func (h *Hasher) encode(password string) string {
	p := h.params
	salt := make([]byte, p.SaltLen)
	rand.Read(salt)
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

var b64 = base64.RawStdEncoding

// ErrBadHash is returned for a stored hash that is not argon2id in the PHC
// format.
var ErrBadHash = errors.New("auth: not an argon2id hash")

// Verify reports whether password matches the encoded hash, comparing in
// constant time, and whether the hash should be made again because it was
// made with other parameters than the Hasher's (rehash on log-in).
func (h *Hasher) Verify(ctx context.Context, password, encoded string) (ok, rehash bool, err error) {
	p, salt, key, err := decode(encoded)
	if err != nil {
		return false, false, err
	}
	if err := h.acquire(ctx); err != nil {
		return false, false, err
	}
	defer h.release()
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	ok = subtle.ConstantTimeCompare(got, key) == 1
	rehash = p.Memory != h.params.Memory || p.Time != h.params.Time || p.Threads != h.params.Threads ||
		uint32(len(key)) != h.params.KeyLen || uint32(len(salt)) != h.params.SaltLen
	return ok, rehash, nil
}

// VerifyDummy does the work of Verify against a hash no password matches,
// so that a log-in with an unknown name takes as long as one with a wrong
// password. It always reports false.
func (h *Hasher) VerifyDummy(ctx context.Context, password string) bool {
	h.Verify(ctx, password, h.dummy) //nolint:errcheck // the answer is no, whatever happens
	return false
}

// decode reads a PHC argon2id string, refusing parameters far beyond what
// this archive would ever choose (a tampered row must not cost gigabytes).
func decode(encoded string) (p Params, salt, key []byte, err error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, ErrBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return p, nil, nil, ErrBadHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return p, nil, nil, ErrBadHash
	}
	if p.Memory < 8 || p.Memory > 1<<20 || p.Time < 1 || p.Time > 100 || p.Threads < 1 {
		return p, nil, nil, ErrBadHash
	}
	if salt, err = b64.DecodeString(parts[4]); err != nil || len(salt) < 8 {
		return p, nil, nil, ErrBadHash
	}
	if key, err = b64.DecodeString(parts[5]); err != nil || len(key) < 16 || len(key) > 128 {
		return p, nil, nil, ErrBadHash
	}
	p.SaltLen, p.KeyLen = uint32(len(salt)), uint32(len(key))
	return p, salt, key, nil
}
