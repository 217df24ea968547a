package web_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"fanarchive"
	"fanarchive/internal/listmail"
	"fanarchive/internal/lists"
	"fanarchive/internal/mail"
	"fanarchive/internal/web"
)

// The list pages' tests run the real list engine (internal/lists) over
// the fixture's store, without DNS (no DMARC lookups).

// listsEngineFor in web.Options asks newFixture for a list engine over
// the fixture's store.
var listsEngineFor fanarchive.ListEngine = &lists.Engine{}

// withListEngine returns opts asking for a list engine.
func withListEngine(opts web.Options) web.Options {
	opts.Lists = listsEngineFor
	return opts
}

// newTestListEngine returns the engine the site runs with in tests.
func newTestListEngine(st fanarchive.Store) *lists.Engine {
	return &lists.Engine{Store: st, SiteName: "Test Archive", BaseURL: baseURL,
		From:  mail.Address{Name: "Test Archive", Address: "archive@archive.test"},
		DMARC: func(context.Context, string) (string, error) { return "", nil }}
}

// listUnsubscribeToken signs a mail's unsubscribe link for a member, as the
// engine's mail does.
func (f *fixture) listUnsubscribeToken(m *fanarchive.ListMember) string {
	f.t.Helper()
	key, err := f.store.Secret(context.Background(), listmail.SecretName)
	if err != nil {
		f.t.Fatal(err)
	}
	return listmail.UnsubscribeToken(key, m.ListID, m.ID, time.Now())
}

// hashListSecret is a confirmation secret's hash, for members the tests
// make straight in the store (any hash the test confirms with will do).
func hashListSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

func noFanout(*fanarchive.ListMessage, []*fanarchive.ListMember) ([]*fanarchive.OutboundMail, error) {
	return nil, nil
}
