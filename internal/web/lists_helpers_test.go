package web_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"fanarchive"
	"fanarchive/internal/auth"
	"fanarchive/internal/mail"
	"fanarchive/internal/web"
)

// testListEngine is a TEST HELPER, not the list engine: a small real
// implementation of fanarchive.ListEngine over the store alone (no SMTP,
// no listmail), for the list pages' tests while internal/lists is being
// written. It mails confirmations through the store's outbox with the
// site's link (/lists/NAME/confirm/SECRET), signs unsubscribe tokens
// with HMAC, and posts announcements and approved messages without
// fanning out. Replace it with internal/lists.Engine when that is merged.
type testListEngine struct {
	store fanarchive.Store
	key   []byte
	// subscribed counts Subscribe calls that mailed, per address.
	asked map[string]int
}

var _ fanarchive.ListEngine = (*testListEngine)(nil)

// listsEngineFor in web.Options asks newFixture for a list engine over
// the fixture's store.
var listsEngineFor fanarchive.ListEngine = &testListEngine{}

// withListEngine returns opts asking for a list engine.
func withListEngine(opts web.Options) web.Options {
	opts.Lists = listsEngineFor
	return opts
}

func newTestListEngine(st fanarchive.Store) *testListEngine {
	return &testListEngine{store: st, key: []byte("test list engine key"), asked: map[string]int{}}
}

func hashListSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// engineFloodLimit is how many confirmations the test engine mails one
// address, as the real engine stops a flood quietly.
const engineFloodLimit = 5

func (e *testListEngine) Subscribe(ctx context.Context, l *fanarchive.List, address, name string, userID int64, mode fanarchive.DeliveryMode, remote string) error {
	key := fanarchive.EmailKey(address) + "\x00" + l.Name
	if e.asked[key] >= engineFloodLimit {
		return nil
	}
	secret, _ := auth.NewToken()
	secret = strings.TrimRight(secret, "=")
	raw, err := mail.Build(&mail.Message{From: mail.Address{Address: l.CommandAddress("-request")}, To: []mail.Address{{Address: address}},
		Subject: "Confirm your subscription to " + l.Title, Date: time.Now(),
		Text: "Follow this link to join:\n\n" + baseURL + "/lists/" + l.Name + "/confirm/" + secret + "\n"})
	if err != nil {
		return err
	}
	m := &fanarchive.ListMember{ListID: l.ID, Address: address, Name: name, UserID: userID, Mode: mode}
	err = e.store.SubscribeToList(ctx, m, hashListSecret(secret), time.Now().Add(fanarchive.ListConfirmTokenLife),
		[]*fanarchive.OutboundMail{{Kind: fanarchive.MailKindListConfirm, From: l.CommandAddress("-request"), To: address,
			Body: &fanarchive.MailBody{Raw: raw}}})
	if fanarchive.ErrorCode(err) == fanarchive.ECONFLICT {
		return nil // an active or banned member: nothing is mailed, and nothing said
	}
	if err == nil {
		e.asked[key]++
	}
	return err
}

func (e *testListEngine) Confirm(ctx context.Context, secret string) (*fanarchive.List, *fanarchive.ListMember, error) {
	m, err := e.store.ConfirmSubscription(ctx, hashListSecret(secret), func(*fanarchive.ListMember) ([]*fanarchive.OutboundMail, error) { return nil, nil })
	if err != nil {
		return nil, nil, err
	}
	l, err := e.store.FindListByID(ctx, m.ListID)
	return l, m, err
}

// unsubscribeToken signs a member's ID.
func (e *testListEngine) unsubscribeToken(memberID int64) string {
	id := strconv.FormatInt(memberID, 10)
	mac := hmac.New(sha256.New, e.key)
	mac.Write([]byte(id))
	return id + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

func (e *testListEngine) CheckUnsubscribe(ctx context.Context, token string) (*fanarchive.List, *fanarchive.ListMember, error) {
	id, _, ok := strings.Cut(token, ".")
	n, err := strconv.ParseInt(id, 10, 64)
	if !ok || err != nil || !hmac.Equal([]byte(token), []byte(e.unsubscribeToken(n))) {
		return nil, nil, fanarchive.Errorf(fanarchive.ENOTFOUND, "This link is not valid.")
	}
	m, err := e.store.FindMemberByID(ctx, n)
	if err != nil {
		return nil, nil, err
	}
	if m.State == fanarchive.MemberUnsubscribed || m.State == fanarchive.MemberBanned {
		return nil, nil, fanarchive.Errorf(fanarchive.ENOTFOUND, "This link is not valid.")
	}
	l, err := e.store.FindListByID(ctx, m.ListID)
	return l, m, err
}

func (e *testListEngine) UnsubscribeToken(ctx context.Context, token string) (*fanarchive.List, *fanarchive.ListMember, error) {
	l, m, err := e.CheckUnsubscribe(ctx, token)
	if err != nil {
		return nil, nil, err
	}
	m, err = e.store.UnsubscribeFromList(ctx, l.ID, m.Address, func(*fanarchive.ListMember) ([]*fanarchive.OutboundMail, error) { return nil, nil })
	return l, m, err
}

func (e *testListEngine) Unsubscribe(ctx context.Context, l *fanarchive.List, memberID int64) error {
	m, err := e.store.FindMemberByID(ctx, memberID)
	if err != nil {
		return err
	}
	if m.ListID != l.ID {
		return fanarchive.Errorf(fanarchive.ENOTFOUND, "No such member.")
	}
	_, err = e.store.UnsubscribeFromList(ctx, l.ID, m.Address, func(*fanarchive.ListMember) ([]*fanarchive.OutboundMail, error) { return nil, nil })
	return err
}

func noFanout(*fanarchive.ListMessage, []*fanarchive.ListMember) ([]*fanarchive.OutboundMail, error) {
	return nil, nil
}

func (e *testListEngine) Moderate(ctx context.Context, l *fanarchive.List, messageID int64, d fanarchive.ModerationDecision, by int64) error {
	_, err := e.store.ModerateListMessage(ctx, messageID, d, by, noFanout)
	return err
}

func (e *testListEngine) Announce(ctx context.Context, workID int64, lists []string, by int64) error {
	w, err := e.store.FindWorkOutline(ctx, workID)
	if err != nil {
		return err
	}
	for _, name := range lists {
		l, err := e.store.FindList(ctx, name)
		if err != nil {
			return err
		}
		if l.Announce == fanarchive.AnnounceNone {
			return fanarchive.Errorf(fanarchive.EINVALID, "%s takes no announcements.", l.Title)
		}
		m := &fanarchive.ListMessage{ListID: l.ID, Key: fmt.Sprintf("site:announce:%d:%d:%s", workID, w.UpdatedAt.UnixNano(), name),
			MessageID: fmt.Sprintf("<announce.%d.%d@archive.test>", workID, w.UpdatedAt.UnixNano()), Subject: "New work: " + w.DisplayTitle(),
			FromName: "Test Archive", FromAddress: "archive@archive.test", Date: time.Now(), Text: "A new work: " + w.DisplayTitle(),
			State: fanarchive.ListMessagePosted}
		if err := e.store.ReceiveListMessage(ctx, m, noFanout, nil); err != nil {
			return err
		}
	}
	return nil
}
