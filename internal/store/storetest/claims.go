package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"fanarchive"
)

// RunClaims runs the suite of claims and takedown requests
// (fanarchive.ClaimService, fanarchive.TakedownService): what a work's
// claim would claim, mailed links and their replay, expiry and theft,
// moves of all or some of a legacy author's works, archivists' queue,
// assignments and refusals, the importer after a claim, and takedowns.
// Subtests run in parallel, each on its own store with its own clock.
func RunClaims(t *testing.T, open ClockOpener) {
	t.Helper()
	suites := []struct {
		name string
		fn   func(t *testing.T, s fanarchive.Store, c *clock)
	}{
		{"Target", testClaimTarget},
		{"MailMovesSameAddress", testClaimPartialMove},
		{"MailMovesAll", testClaimWholeMove},
		{"LinkReplayed", testClaimReplay},
		{"LinkExpired", testClaimExpired},
		{"LinkOfAnotherUser", testClaimOtherUser},
		{"ExistingPseud", testClaimExistingPseud},
		{"ChosenPseudAndScope", testClaimChosenPseud},
		{"NameOfAnotherAccount", testClaimNameTaken},
		{"RequestRefused", testClaimRefused},
		{"ArchivistQueue", testClaimArchivistQueue},
		{"Assign", testClaimAssign},
		{"ImportAfterClaim", testClaimThenImport},
		{"RecordOutlivesUser", testClaimRecordOutlivesUser},
		{"Takedowns", testTakedowns},
	}
	for _, st := range suites {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			c := &clock{}
			c.set(time.Date(2026, time.May, 4, 10, 0, 0, 0, time.UTC))
			s := open(t, c.now)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			st.fn(t, s, c)
		})
	}
}

// legacyWork stores an imported work by authors whose own feedback contact
// is contact and whose source's is sourceContact.
func legacyWork(t *testing.T, s fanarchive.Store, title, contact, sourceContact string, authors ...string) *fanarchive.Work {
	t.Helper()
	w := newWork(title)
	w.Authors = nil
	for _, a := range authors {
		w.Authors = append(w.Authors, fanarchive.Author{Name: a})
	}
	w.FeedbackContact = contact
	w.Sources[0].FeedbackContact = sourceContact
	return create(t, s, w)
}

// mailClaim asks for a claim link for u on work, returning the claim, the
// token's ID and the address the store gave the mail.
func mailClaim(t *testing.T, s fanarchive.Store, c *clock, u *fanarchive.User, work *fanarchive.Work) (*fanarchive.Claim, string, string) {
	t.Helper()
	id := tokenID(fmt.Sprintf("claim %d %d %d", u.ID, work.ID, c.now().UnixNano()))
	claim := &fanarchive.Claim{UserID: u.ID, WorkID: work.ID, Via: fanarchive.ClaimByMail}
	var to string
	err := s.RequestClaim(context.Background(), claim,
		&fanarchive.Token{ID: id, Purpose: fanarchive.TokenClaim, ExpiresAt: c.now().Add(fanarchive.ClaimTokenLife)},
		func(addr string) ([]*fanarchive.OutboundMail, error) {
			to = addr
			return []*fanarchive.OutboundMail{accountMail(fanarchive.MailKindClaim, addr)}, nil
		})
	if err != nil {
		t.Fatalf("RequestClaim by %s of %q: %v", u.Name, work.Title, err)
	}
	return claim, id, to
}

// byline returns a work's authors as "name(user)" pairs.
func byline(t *testing.T, s fanarchive.Store, id int64) string {
	t.Helper()
	w, err := s.FindWorkByID(context.Background(), id)
	must(t, err)
	var names []string
	for _, a := range w.Authors {
		names = append(names, a.Name)
	}
	return strings.Join(names, ",")
}

// worksOfID returns the titles of the works of one author, by ID.
func worksOfID(t *testing.T, s fanarchive.Store, id int64) string {
	t.Helper()
	works, _, err := s.FindWorks(context.Background(), fanarchive.WorkFilter{AuthorID: id})
	must(t, err)
	var titles []string
	for _, w := range works {
		titles = append(titles, w.Title)
	}
	slices.Sort(titles)
	return strings.Join(titles, ",")
}

// noAddress fails the test if anything of v, as JSON or as Go syntax,
// holds the address.
func noAddress(t *testing.T, v any, addr string) {
	t.Helper()
	b, _ := json.Marshal(v)
	if strings.Contains(strings.ToLower(string(b)+fmt.Sprintf("%+v", v)), strings.ToLower(addr)) {
		t.Errorf("%T holds the address %s: %s", v, addr, b)
	}
}

func testClaimTarget(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	a := legacyWork(t, s, "Lanterns", "Maple Stone <maple@example.org>", "", "Maple Stone")
	legacyWork(t, s, "More Lanterns", "", "MAPLE@EXAMPLE.ORG", "Maple Stone")
	legacyWork(t, s, "Other Address", "maple@example.net", "", "Maple Stone")
	named := legacyWork(t, s, "Name Only", "Maple Stone", "Maple Stone", "Maple Stone")
	two := legacyWork(t, s, "Together", "ash@example.org", "", "Ash Wren", "R. J. Holloway")
	u := newUser(t, s, "Poster")
	pseud, err := s.FindAuthorByName(ctx, "Poster")
	must(t, err)
	posted := newWork("Posted")
	posted.Authors = []fanarchive.Author{*pseud}
	create(t, s, posted)

	got, err := s.FindClaimTarget(ctx, a.ID)
	must(t, err)
	if got.WorkTitle != "Lanterns" || len(got.Authors) != 1 || got.Authors[0].Name != "Maple Stone" || !got.HasAddress ||
		!got.CanMail() || got.SameAddress != 2 {
		t.Errorf("target of a work with an address: %+v", got)
	}
	noAddress(t, got, "maple@example.org")
	if got, err := s.FindClaimTarget(ctx, named.ID); err != nil || got.HasAddress || got.CanMail() || len(got.Authors) != 1 {
		t.Errorf("target of a work whose header names no address: %+v, %v", got, err)
	}
	if got, err := s.FindClaimTarget(ctx, two.ID); err != nil || !got.HasAddress || got.CanMail() || len(got.Authors) != 2 {
		t.Errorf("target of a work by two: %+v, %v", got, err)
	}
	if got, err := s.FindClaimTarget(ctx, posted.ID); err != nil || len(got.Authors) != 0 {
		t.Errorf("target of a work by a pseud: %+v, %v", got, err)
	}
	_, err = s.FindClaimTarget(ctx, 9999)
	wantCode(t, err, fanarchive.ENOTFOUND)
	_ = u
}

// testClaimPartialMove: a confirmed link moves the works whose header names
// the address it was sent to (in any case, on the work or its source), and
// leaves the works with another address or none to the legacy author.
func testClaimPartialMove(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	a := legacyWork(t, s, "Lanterns", "Maple Stone <maple@example.org>", "", "Maple Stone")
	b := legacyWork(t, s, "More Lanterns", "", "MAPLE@EXAMPLE.ORG", "Maple Stone")
	other := legacyWork(t, s, "Other Address", "maple@example.net", "", "Maple Stone")
	none := legacyWork(t, s, "No Address", "", "", "Maple Stone")
	u := newUser(t, s, "Juniper")
	legacy, err := s.FindAuthorByName(ctx, "Maple Stone")
	must(t, err)

	claim, tok, to := mailClaim(t, s, c, u, a)
	if to != "maple@example.org" {
		t.Errorf("the claim mail went to %q", to)
	}
	if n, _ := s.CountMail(ctx); n.Queued != 1 {
		t.Errorf("%d mails queued, want the claim's", n.Queued)
	}
	if claim.ID == 0 || claim.State != fanarchive.ClaimPending || claim.UserName != "Juniper" || claim.AuthorID != legacy.ID ||
		claim.AuthorName != "Maple Stone" || claim.WorkTitle != "Lanterns" || claim.Scope != fanarchive.ScopeAddress ||
		!claim.HasAddress || !claim.ExpiresAt.Equal(c.now().Add(fanarchive.ClaimTokenLife)) {
		t.Errorf("the pending claim: %+v", claim)
	}
	noAddress(t, claim, "maple@example.org")
	pending, err := s.FindClaimByToken(ctx, tok)
	must(t, err)
	if pending.ID != claim.ID || !slices.Equal(pending.Works, []int64{a.ID, b.ID}) {
		t.Errorf("FindClaimByToken = %+v, want works %d, %d", pending, a.ID, b.ID)
	}

	c.advance(time.Hour)
	done, err := s.ConfirmClaim(ctx, tok, u.ID)
	must(t, err)
	if done.State != fanarchive.ClaimConfirmed || !slices.Equal(done.Works, []int64{a.ID, b.ID}) || done.PseudID == 0 ||
		done.PseudID == legacy.ID || done.AuthorID != legacy.ID || !done.DecidedAt.Equal(c.now()) || done.DecidedBy != 0 {
		t.Errorf("the confirmed claim: %+v", done)
	}
	if got := worksOfID(t, s, done.PseudID); got != "Lanterns,More Lanterns" {
		t.Errorf("works of the new pseud: %q", got)
	}
	if got := worksOfID(t, s, legacy.ID); got != "No Address,Other Address" {
		t.Errorf("works left to the legacy author: %q", got)
	}
	authors, err := s.FindAuthorsByName(ctx, "Maple Stone")
	must(t, err)
	if len(authors) != 2 || authors[0].ID != done.PseudID || authors[0].UserID != u.ID || authors[1].ID != legacy.ID || authors[1].UserID != 0 {
		t.Errorf("FindAuthorsByName after a partial claim: %+v", authors)
	}
	if got, err := s.FindAuthorByName(ctx, "Maple Stone"); err != nil || got.ID != done.PseudID {
		t.Errorf("FindAuthorByName prefers the pseud: %+v, %v", got, err)
	}
	pseuds, err := s.FindPseuds(ctx, u.ID)
	must(t, err)
	if len(pseuds) != 2 || pseuds[1].Name != "Maple Stone" || pseuds[1].Works != 2 || pseuds[1].Default {
		t.Errorf("pseuds after the claim: %+v", pseuds)
	}
	for _, w := range []*fanarchive.Work{a, b, other, none} {
		if got := byline(t, s, w.ID); got != "Maple Stone" {
			t.Errorf("byline of %q: %q", w.Title, got)
		}
	}
	record, err := s.FindClaim(ctx, claim.ID)
	must(t, err)
	if record.State != fanarchive.ClaimConfirmed || !slices.Equal(record.Works, done.Works) || record.PseudID != done.PseudID {
		t.Errorf("FindClaim = %+v", record)
	}
	for _, id := range []int64{a.ID, b.ID} {
		list, n, err := s.FindClaims(ctx, fanarchive.ClaimFilter{WorkID: id})
		must(t, err)
		if n != 1 || list[0].ID != claim.ID {
			t.Errorf("claims of work %d: %d", id, n)
		}
	}
	if _, n, _ := s.FindClaims(ctx, fanarchive.ClaimFilter{WorkID: other.ID}); n != 0 {
		t.Errorf("a work the claim did not move has %d claims", n)
	}

	// Another holder of the other address claims what is left.
	v := newUser(t, s, "Viburnum")
	_, tok2, to2 := mailClaim(t, s, c, v, other)
	if to2 != "maple@example.net" {
		t.Errorf("the second claim mail went to %q", to2)
	}
	second, err := s.ConfirmClaim(ctx, tok2, v.ID)
	wantCode(t, err, fanarchive.ECONFLICT) // Juniper has the pseud "Maple Stone"
	_ = second
}

// testClaimWholeMove: when every work of the legacy author moves, the
// legacy author itself becomes the pseud, keeping its ID.
func testClaimWholeMove(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	a := legacyWork(t, s, "Tide", "rowan@example.org", "", "Rowan Ash")
	legacyWork(t, s, "Ebb", "Rowan <rowan@example.org>", "", "Rowan Ash")
	u := newUser(t, s, "Rowena")
	legacy, err := s.FindAuthorByName(ctx, "Rowan Ash")
	must(t, err)
	_, tok, _ := mailClaim(t, s, c, u, a)
	done, err := s.ConfirmClaim(ctx, tok, u.ID)
	must(t, err)
	if done.PseudID != legacy.ID || done.AuthorID != legacy.ID || len(done.Works) != 2 {
		t.Errorf("a whole move: %+v (legacy author %d)", done, legacy.ID)
	}
	authors, err := s.FindAuthorsByName(ctx, "Rowan Ash")
	must(t, err)
	if len(authors) != 1 || authors[0].UserID != u.ID {
		t.Errorf("authors named Rowan Ash: %+v", authors)
	}
	p, err := s.FindPseud(ctx, legacy.ID)
	must(t, err)
	if p.UserID != u.ID || p.Default {
		t.Errorf("the pseud: %+v", p)
	}
	// The pseud is the user's like any other: it can be renamed.
	must(t, s.RenamePseud(ctx, u.ID, legacy.ID, "Rowan Ashgrove"))
	if got := worksOf(t, s, "Rowan Ashgrove"); got != "Ebb,Tide" {
		t.Errorf("works of the renamed pseud: %q", got)
	}
}

func testClaimReplay(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	a := legacyWork(t, s, "Tide", "rowan@example.org", "", "Rowan Ash")
	u := newUser(t, s, "Rowena")
	_, tok, _ := mailClaim(t, s, c, u, a)
	_, err := s.ConfirmClaim(ctx, tok, u.ID)
	must(t, err)
	_, err = s.ConfirmClaim(ctx, tok, u.ID)
	wantCode(t, err, fanarchive.ENOTFOUND)
	_, err = s.FindClaimByToken(ctx, tok)
	wantCode(t, err, fanarchive.ENOTFOUND)
	_, err = s.ConfirmClaim(ctx, tokenID("never made"), u.ID)
	wantCode(t, err, fanarchive.ENOTFOUND)
	// A confirm-email token is not a claim link.
	other := tokenID("confirm")
	must(t, s.CreateToken(ctx, &fanarchive.Token{ID: other, Purpose: fanarchive.TokenConfirmEmail, UserID: u.ID,
		ExpiresAt: c.now().Add(time.Hour)}, nil))
	_, err = s.ConfirmClaim(ctx, other, u.ID)
	wantCode(t, err, fanarchive.ENOTFOUND)
}

func testClaimExpired(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	a := legacyWork(t, s, "Tide", "rowan@example.org", "", "Rowan Ash")
	u := newUser(t, s, "Rowena")
	claim, tok, _ := mailClaim(t, s, c, u, a)
	c.advance(fanarchive.ClaimTokenLife + time.Second)
	_, err := s.FindClaimByToken(ctx, tok)
	wantCode(t, err, fanarchive.ENOTFOUND)
	_, err = s.ConfirmClaim(ctx, tok, u.ID)
	wantCode(t, err, fanarchive.ENOTFOUND)
	if got := byline(t, s, a.ID); got != "Rowan Ash" {
		t.Errorf("byline after an expired link: %q", got)
	}
	list, n, err := s.FindClaims(ctx, fanarchive.ClaimFilter{State: fanarchive.ClaimExpired})
	must(t, err)
	if n != 1 || list[0].ID != claim.ID || list[0].State != fanarchive.ClaimExpired {
		t.Errorf("expired claims: %d %+v", n, list)
	}
	if _, n, _ := s.FindClaims(ctx, fanarchive.ClaimFilter{State: fanarchive.ClaimPending}); n != 0 {
		t.Errorf("%d pending claims after the link expired", n)
	}
	_, err = s.PurgeAccounts(ctx)
	must(t, err)
	if got, err := s.FindClaim(ctx, claim.ID); err != nil || got.State != fanarchive.ClaimExpired {
		t.Errorf("the claim after purging: %+v, %v", got, err)
	}
	// A new link works.
	_, tok2, _ := mailClaim(t, s, c, u, a)
	_, err = s.ConfirmClaim(ctx, tok2, u.ID)
	must(t, err)
}

// testClaimOtherUser: a link is for the user who asked; anyone else who
// holds it is refused, and it stays good for its user.
func testClaimOtherUser(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	a := legacyWork(t, s, "Tide", "rowan@example.org", "", "Rowan Ash")
	u := newUser(t, s, "Rowena")
	thief := newUser(t, s, "Magpie", fanarchive.RoleAdmin)
	_, tok, _ := mailClaim(t, s, c, u, a)
	_, err := s.ConfirmClaim(ctx, tok, thief.ID)
	wantCode(t, err, fanarchive.ENOTFOUND)
	_, err = s.ConfirmClaim(ctx, tok, 0)
	wantCode(t, err, fanarchive.ENOTFOUND)
	if got, err := s.FindPseuds(ctx, thief.ID); err != nil || len(got) != 1 {
		t.Errorf("the thief's pseuds: %+v, %v", got, err)
	}
	done, err := s.ConfirmClaim(ctx, tok, u.ID)
	must(t, err)
	if done.UserID != u.ID {
		t.Errorf("confirmed for user %d", done.UserID)
	}
}

// testClaimExistingPseud: a user whose pseud has the legacy name (by key)
// gets the works on that pseud; the legacy author goes when none is left.
func testClaimExistingPseud(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	u := newUser(t, s, "Ivy Vane") // signed up before the import
	a := legacyWork(t, s, "Weathercock", "ivy@example.org", "", "ivy vane")
	legacy, err := s.FindAuthorByName(ctx, "ivy vane")
	must(t, err)
	if legacy.UserID != 0 {
		t.Fatalf("the import linked a byline to a pseud: %+v", legacy)
	}
	_, tok, _ := mailClaim(t, s, c, u, a)
	done, err := s.ConfirmClaim(ctx, tok, u.ID)
	must(t, err)
	def, err := s.FindAuthorByName(ctx, "Ivy Vane")
	must(t, err)
	if done.PseudID != def.ID || done.AuthorID != 0 {
		t.Errorf("claim onto an existing pseud: %+v (default pseud %d)", done, def.ID)
	}
	if got := byline(t, s, a.ID); got != "Ivy Vane" {
		t.Errorf("byline: %q", got)
	}
	_, err = s.FindAuthorByName(ctx, "ivy vane")
	wantCode(t, err, fanarchive.ENOTFOUND)
	if got, err := s.FindClaim(ctx, done.ID); err != nil || got.AuthorName != "ivy vane" || got.AuthorID != 0 {
		t.Errorf("the record keeps the legacy name: %+v, %v", got, err)
	}
}

// testClaimChosenPseud: the claimant names one of their pseuds and asks
// for the work alone; confirming moves that work onto that pseud, and an
// archivist's assignment can name another.
func testClaimChosenPseud(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	a := legacyWork(t, s, "Quarry", "flint@example.org", "", "Flint Ashby")
	b := legacyWork(t, s, "Quarry Again", "flint@example.org", "", "Flint Ashby")
	u := newUser(t, s, "Slate Walker")
	pen, err := s.CreatePseud(ctx, u.ID, "Chalk Line")
	must(t, err)
	other := newUser(t, s, "Somebody Else")
	theirs, err := s.CreatePseud(ctx, other.ID, "Not Yours")
	must(t, err)

	target, err := s.FindClaimTarget(ctx, a.ID)
	must(t, err)
	if !slices.Equal(target.SameAddressWorks, []int64{a.ID, b.ID}) {
		t.Errorf("works with the same address: %v", target.SameAddressWorks)
	}
	mail := func(addr string) ([]*fanarchive.OutboundMail, error) {
		return []*fanarchive.OutboundMail{accountMail(fanarchive.MailKindClaim, addr)}, nil
	}
	token := func(name string) *fanarchive.Token {
		return &fanarchive.Token{ID: tokenID(name), Purpose: fanarchive.TokenClaim, ExpiresAt: c.now().Add(time.Hour)}
	}
	for _, bad := range []*fanarchive.Claim{
		{UserID: u.ID, WorkID: a.ID, Via: fanarchive.ClaimByMail, PseudID: theirs.ID},
		{UserID: u.ID, WorkID: a.ID, Via: fanarchive.ClaimByMail, Scope: fanarchive.ScopeAll},
	} {
		wantCode(t, s.RequestClaim(ctx, bad, token(fmt.Sprint("bad", bad.PseudID, bad.Scope)), mail), fanarchive.EINVALID)
	}
	claim := &fanarchive.Claim{UserID: u.ID, WorkID: a.ID, Via: fanarchive.ClaimByMail, Scope: fanarchive.ScopeWork, PseudID: pen.ID}
	must(t, s.RequestClaim(ctx, claim, token("chosen"), mail))
	if claim.Scope != fanarchive.ScopeWork {
		t.Errorf("scope asked for: %+v", claim)
	}
	pending, err := s.FindClaimByToken(ctx, tokenID("chosen"))
	must(t, err)
	if pending.PseudID != pen.ID || !slices.Equal(pending.Works, []int64{a.ID}) {
		t.Errorf("the pending claim: %+v", pending)
	}
	done, err := s.ConfirmClaim(ctx, tokenID("chosen"), u.ID)
	must(t, err)
	if done.PseudID != pen.ID || !slices.Equal(done.Works, []int64{a.ID}) {
		t.Errorf("confirmed: %+v", done)
	}
	if got := byline(t, s, a.ID); got != "Chalk Line" {
		t.Errorf("byline of the claimed work: %q", got)
	}
	if got := byline(t, s, b.ID); got != "Flint Ashby" {
		t.Errorf("byline of the work left out: %q", got)
	}
	// The archivist assigns the other onto the default pseud.
	arch := newUser(t, s, "Keeper", fanarchive.RoleArchivist)
	def, err := s.FindAuthorByName(ctx, "Slate Walker")
	must(t, err)
	wantCode(t, s.AssignClaim(ctx, &fanarchive.Claim{UserID: u.ID, WorkID: b.ID, Scope: fanarchive.ScopeWork,
		DecidedBy: arch.ID, PseudID: theirs.ID}), fanarchive.EINVALID)
	by := &fanarchive.Claim{UserID: u.ID, WorkID: b.ID, Scope: fanarchive.ScopeWork, DecidedBy: arch.ID, PseudID: def.ID}
	must(t, s.AssignClaim(ctx, by))
	if by.PseudID != def.ID || by.AuthorID != 0 {
		t.Errorf("assigned: %+v", by)
	}
	if got := byline(t, s, b.ID); got != "Slate Walker" {
		t.Errorf("byline of the assigned work: %q", got)
	}
	if authors, _ := s.FindAuthorsByName(ctx, "Flint Ashby"); len(authors) != 0 {
		t.Errorf("the legacy author with no works stays: %+v", authors)
	}
}

// testClaimNameTaken: when another account has a pseud of the legacy name,
// nothing moves and the link stays usable.
func testClaimNameTaken(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	newUser(t, s, "Linden") // the name is an account's before the import
	a := legacyWork(t, s, "Bark", "linden@example.org", "", "Linden")
	u := newUser(t, s, "Tilia")
	claim, tok, _ := mailClaim(t, s, c, u, a)
	_, err := s.ConfirmClaim(ctx, tok, u.ID)
	wantCode(t, err, fanarchive.ECONFLICT)
	if _, err := s.FindClaimByToken(ctx, tok); err != nil {
		t.Errorf("the link after a refused confirmation: %v", err)
	}
	if got, _ := s.FindClaim(ctx, claim.ID); got.State != fanarchive.ClaimPending {
		t.Errorf("the claim after a refused confirmation: %+v", got)
	}
	// An archivist settles it with all the works, onto the name's holder.
	arch := newUser(t, s, "Keeper", fanarchive.RoleArchivist)
	rejected, err := s.RejectClaim(ctx, claim.ID, arch.ID, "The name is another account's.")
	must(t, err)
	if rejected.State != fanarchive.ClaimRejected || rejected.DecidedBy != arch.ID || rejected.DecidedByName != "Keeper" {
		t.Errorf("rejected: %+v", rejected)
	}
	_, err = s.ConfirmClaim(ctx, tok, u.ID)
	wantCode(t, err, fanarchive.ENOTFOUND)
	_, err = s.RejectClaim(ctx, claim.ID, arch.ID, "")
	wantCode(t, err, fanarchive.ECONFLICT)
}

func testClaimRefused(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	named := legacyWork(t, s, "Name Only", "Maple Stone", "", "Maple Stone")
	two := legacyWork(t, s, "Together", "ash@example.org", "", "Ash Wren", "R. J. Holloway")
	fine := legacyWork(t, s, "Fine", "fine@example.org", "", "Fine Writer")
	u := newUser(t, s, "Asker")
	gone := newUser(t, s, "Gone")
	must(t, s.SetUserDisabled(ctx, gone.ID, true))
	tok := func() *fanarchive.Token {
		return &fanarchive.Token{ID: tokenID(fmt.Sprint("t", c.now().UnixNano())), Purpose: fanarchive.TokenClaim, ExpiresAt: c.now().Add(time.Hour)}
	}
	mail := func(to string) ([]*fanarchive.OutboundMail, error) {
		return []*fanarchive.OutboundMail{accountMail(fanarchive.MailKindClaim, to)}, nil
	}
	for _, tc := range []struct {
		name  string
		claim fanarchive.Claim
		code  string
	}{
		{"no address", fanarchive.Claim{UserID: u.ID, WorkID: named.ID, Via: fanarchive.ClaimByMail}, fanarchive.EINVALID},
		{"two authors", fanarchive.Claim{UserID: u.ID, WorkID: two.ID, Via: fanarchive.ClaimByMail}, fanarchive.EINVALID},
		{"two authors, none named", fanarchive.Claim{UserID: u.ID, WorkID: two.ID, Via: fanarchive.ClaimByArchivist}, fanarchive.EINVALID},
		{"an author not on the work", fanarchive.Claim{UserID: u.ID, WorkID: two.ID, AuthorID: 99999, Via: fanarchive.ClaimByArchivist}, fanarchive.EINVALID},
		{"no such work", fanarchive.Claim{UserID: u.ID, WorkID: 99999, Via: fanarchive.ClaimByMail}, fanarchive.ENOTFOUND},
		{"no such user", fanarchive.Claim{UserID: 99999, WorkID: fine.ID, Via: fanarchive.ClaimByMail}, fanarchive.ENOTFOUND},
		{"disabled", fanarchive.Claim{UserID: gone.ID, WorkID: fine.ID, Via: fanarchive.ClaimByMail}, fanarchive.EINVALID},
		{"no way", fanarchive.Claim{UserID: u.ID, WorkID: fine.ID}, fanarchive.EINVALID},
		{"long note", fanarchive.Claim{UserID: u.ID, WorkID: fine.ID, Via: fanarchive.ClaimByArchivist,
			Note: strings.Repeat("x", fanarchive.MaxClaimNote+1)}, fanarchive.EINVALID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cl := tc.claim
			var tk *fanarchive.Token
			var m func(string) ([]*fanarchive.OutboundMail, error)
			if cl.Via == fanarchive.ClaimByMail {
				tk, m = tok(), mail
			}
			c.advance(time.Millisecond)
			err := s.RequestClaim(ctx, &cl, tk, m)
			wantCode(t, err, tc.code)
			if cl.ID != 0 {
				t.Errorf("a refused claim has ID %d", cl.ID)
			}
		})
	}
	if n, _ := s.CountMail(ctx); n.Queued != 0 {
		t.Errorf("%d mails queued by refused claims", n.Queued)
	}
	if _, n, _ := s.FindClaims(ctx, fanarchive.ClaimFilter{}); n != 0 {
		t.Errorf("%d claims recorded by refused requests", n)
	}
	// A mail the builder cannot make leaves nothing behind either.
	cl := fanarchive.Claim{UserID: u.ID, WorkID: fine.ID, Via: fanarchive.ClaimByMail}
	err := s.RequestClaim(ctx, &cl, tok(), func(string) ([]*fanarchive.OutboundMail, error) {
		return nil, fanarchive.Errorf(fanarchive.EINVALID, "no")
	})
	if err == nil || strings.Contains(err.Error(), "fine@example.org") {
		t.Errorf("a failed mail: %v", err)
	}
	if _, n, _ := s.FindClaims(ctx, fanarchive.ClaimFilter{}); n != 0 {
		t.Errorf("%d claims recorded with a mail that failed", n)
	}
}

func testClaimArchivistQueue(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	named := legacyWork(t, s, "Name Only", "Maple Stone", "", "Maple Stone")
	legacyWork(t, s, "Also Maple", "", "", "Maple Stone")
	two := legacyWork(t, s, "Together", "ash@example.org", "", "Ash Wren", "R. J. Holloway")
	u := newUser(t, s, "Asker")
	arch := newUser(t, s, "Keeper", fanarchive.RoleArchivist)
	first := &fanarchive.Claim{UserID: u.ID, WorkID: named.ID, Via: fanarchive.ClaimByArchivist, Note: "I posted it to Lantern-L in 1998."}
	must(t, s.RequestClaim(ctx, first, nil, nil))
	if first.State != fanarchive.ClaimPending || first.HasAddress || first.Scope != fanarchive.ScopeWork || !first.ExpiresAt.IsZero() {
		t.Errorf("a claim for an archivist: %+v", first)
	}
	again := &fanarchive.Claim{UserID: u.ID, WorkID: named.ID, Via: fanarchive.ClaimByArchivist}
	wantCode(t, s.RequestClaim(ctx, again, nil, nil), fanarchive.ECONFLICT)
	holloway, err := s.FindAuthorByName(ctx, "R. J. Holloway")
	must(t, err)
	c.advance(time.Minute)
	second := &fanarchive.Claim{UserID: u.ID, WorkID: two.ID, AuthorID: holloway.ID, Via: fanarchive.ClaimByArchivist}
	must(t, s.RequestClaim(ctx, second, nil, nil))
	if second.AuthorName != "R. J. Holloway" || !second.HasAddress {
		t.Errorf("a claim of one of two authors: %+v", second)
	}
	queue, n, err := s.FindClaims(ctx, fanarchive.ClaimFilter{State: fanarchive.ClaimPending, Via: fanarchive.ClaimByArchivist})
	must(t, err)
	if n != 2 || queue[0].ID != first.ID || queue[1].ID != second.ID || queue[0].Note != first.Note {
		t.Errorf("the archivists' queue (oldest first): %d %+v", n, queue)
	}

	// Settled with all of Maple Stone's works, widening the request.
	settle := &fanarchive.Claim{ID: first.ID, Scope: fanarchive.ScopeAll, DecidedBy: arch.ID, DecisionNote: "The list's owner vouches."}
	must(t, s.AssignClaim(ctx, settle))
	if settle.State != fanarchive.ClaimAssigned || settle.Via != fanarchive.ClaimByArchivist || settle.DecidedBy != arch.ID ||
		settle.DecidedByName != "Keeper" || len(settle.Works) != 2 || settle.UserID != u.ID || settle.DecisionNote != "The list's owner vouches." {
		t.Errorf("assigned: %+v", settle)
	}
	if got := worksOf(t, s, "Maple Stone"); got != "Also Maple,Name Only" {
		t.Errorf("Maple Stone's works: %q", got)
	}
	wantCode(t, s.AssignClaim(ctx, &fanarchive.Claim{ID: first.ID, Scope: fanarchive.ScopeAll, DecidedBy: arch.ID}), fanarchive.ECONFLICT)
	_, err = s.RejectClaim(ctx, second.ID, arch.ID, "Nothing to go on.")
	must(t, err)
	if _, n, _ := s.FindClaims(ctx, fanarchive.ClaimFilter{State: fanarchive.ClaimPending}); n != 0 {
		t.Errorf("%d claims still pending", n)
	}
	all, n, err := s.FindClaims(ctx, fanarchive.ClaimFilter{UserID: u.ID})
	must(t, err)
	if n != 2 || all[0].ID != second.ID || all[0].State != fanarchive.ClaimRejected || all[1].State != fanarchive.ClaimAssigned {
		t.Errorf("the user's claims, newest first: %+v", all)
	}
	_, _, err = s.FindClaims(ctx, fanarchive.ClaimFilter{Offset: -1})
	wantCode(t, err, fanarchive.EINVALID)
}

// testClaimAssign: an archivist assigns unasked, by scope; a work whose
// header names no address can be assigned, and the assignment recorded.
func testClaimAssign(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	named := legacyWork(t, s, "Name Only", "Dawn Vale", "", "Dawn Vale")
	addressed := legacyWork(t, s, "Addressed", "dawn@example.org", "", "Dawn Vale")
	legacyWork(t, s, "Addressed Too", "dawn@example.org", "", "Dawn Vale")
	u := newUser(t, s, "Aurora")
	arch := newUser(t, s, "Keeper", fanarchive.RoleArchivist)

	wantCode(t, s.AssignClaim(ctx, &fanarchive.Claim{UserID: u.ID, WorkID: named.ID, Scope: fanarchive.ScopeAddress, DecidedBy: arch.ID}), fanarchive.EINVALID)
	wantCode(t, s.AssignClaim(ctx, &fanarchive.Claim{UserID: u.ID, WorkID: named.ID, Scope: "some", DecidedBy: arch.ID}), fanarchive.EINVALID)
	wantCode(t, s.AssignClaim(ctx, &fanarchive.Claim{UserID: u.ID, WorkID: named.ID, Scope: fanarchive.ScopeWork}), fanarchive.EINVALID)
	wantCode(t, s.AssignClaim(ctx, &fanarchive.Claim{UserID: 99999, WorkID: named.ID, Scope: fanarchive.ScopeWork, DecidedBy: arch.ID}), fanarchive.ENOTFOUND)
	if _, n, _ := s.FindClaims(ctx, fanarchive.ClaimFilter{}); n != 0 {
		t.Errorf("%d claims recorded by refused assignments", n)
	}

	one := &fanarchive.Claim{UserID: u.ID, WorkID: named.ID, Scope: fanarchive.ScopeWork, DecidedBy: arch.ID}
	must(t, s.AssignClaim(ctx, one))
	if one.ID == 0 || one.Via != fanarchive.ClaimByHand || one.State != fanarchive.ClaimAssigned || one.HasAddress ||
		!slices.Equal(one.Works, []int64{named.ID}) || one.DecidedBy != arch.ID {
		t.Errorf("an address-less work assigned: %+v", one)
	}
	authors, err := s.FindAuthorsByName(ctx, "Dawn Vale")
	must(t, err)
	if len(authors) != 2 || authors[0].UserID != u.ID || worksOfID(t, s, authors[0].ID) != "Name Only" ||
		worksOfID(t, s, authors[1].ID) != "Addressed,Addressed Too" {
		t.Errorf("after assigning one work: %+v", authors)
	}
	// Then the works with the address, onto the same pseud.
	rest := &fanarchive.Claim{UserID: u.ID, WorkID: addressed.ID, Scope: fanarchive.ScopeAddress, DecidedBy: arch.ID}
	must(t, s.AssignClaim(ctx, rest))
	if rest.PseudID != one.PseudID || len(rest.Works) != 2 || rest.AuthorID != 0 || !rest.HasAddress {
		t.Errorf("the rest assigned: %+v", rest)
	}
	if got := worksOfID(t, s, one.PseudID); got != "Addressed,Addressed Too,Name Only" {
		t.Errorf("the pseud's works: %q", got)
	}
	if authors, _ := s.FindAuthorsByName(ctx, "Dawn Vale"); len(authors) != 1 {
		t.Errorf("a legacy author with no works left stays: %+v", authors)
	}
	list, n, err := s.FindClaims(ctx, fanarchive.ClaimFilter{State: fanarchive.ClaimAssigned})
	must(t, err)
	if n != 2 || list[0].ID != rest.ID || list[1].DecidedByName != "Keeper" {
		t.Errorf("assigned claims: %+v", list)
	}
	// Nothing left to assign.
	wantCode(t, s.AssignClaim(ctx, &fanarchive.Claim{UserID: u.ID, WorkID: addressed.ID, Scope: fanarchive.ScopeAll, DecidedBy: arch.ID}), fanarchive.EINVALID)
}

// testClaimThenImport: once a legacy author is a pseud, a byline of its
// name imported later is a legacy author again, not the pseud.
func testClaimThenImport(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	a := legacyWork(t, s, "Tide", "rowan@example.org", "", "Rowan Ash")
	u := newUser(t, s, "Rowena")
	_, tok, _ := mailClaim(t, s, c, u, a)
	done, err := s.ConfirmClaim(ctx, tok, u.ID)
	must(t, err)
	later := newWork("Later Import")
	later.Authors = []fanarchive.Author{{Name: "Rowan Ash"}}
	_, err = s.ImportWorks(ctx, []*fanarchive.Work{later})
	must(t, err)
	authors, err := s.FindAuthorsByName(ctx, "Rowan Ash")
	must(t, err)
	if len(authors) != 2 || authors[0].ID != done.PseudID || authors[1].UserID != 0 {
		t.Fatalf("authors after a later import: %+v", authors)
	}
	if got := worksOfID(t, s, authors[1].ID); got != "Later Import" {
		t.Errorf("the new legacy author's works: %q", got)
	}
	if got := worksOfID(t, s, done.PseudID); got != "Tide" {
		t.Errorf("the pseud's works: %q", got)
	}
	// CreateWork alike; and an author given by ID is linked by it.
	again := newWork("Another")
	again.Authors = []fanarchive.Author{{Name: "Rowan Ash"}, {ID: done.PseudID, Name: "Rowan Ash"}}
	create(t, s, again)
	w, err := s.FindWorkByID(ctx, again.ID)
	must(t, err)
	if len(w.Authors) != 2 || w.Authors[0].ID != authors[1].ID || w.Authors[1].ID != done.PseudID {
		t.Errorf("authors of a work by name and by ID: %+v", w.Authors)
	}
	bad := newWork("Bad Author")
	bad.Authors = []fanarchive.Author{{ID: 99999, Name: "Nobody"}}
	wantCode(t, s.CreateWork(ctx, bad), fanarchive.EINVALID)
}

func testClaimRecordOutlivesUser(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	a := legacyWork(t, s, "Tide", "rowan@example.org", "", "Rowan Ash")
	u := newUser(t, s, "Rowena")
	claim, tok, _ := mailClaim(t, s, c, u, a)
	_, err := s.ConfirmClaim(ctx, tok, u.ID)
	must(t, err)
	must(t, s.DeleteUser(ctx, u.ID, true))
	got, err := s.FindClaim(ctx, claim.ID)
	must(t, err)
	if got.UserID != 0 || got.UserName != "Rowena" || got.State != fanarchive.ClaimConfirmed || got.PseudID != 0 ||
		!slices.Equal(got.Works, []int64{a.ID}) {
		t.Errorf("the record after the account is deleted: %+v", got)
	}
}

func testTakedowns(t *testing.T, s fanarchive.Store, c *clock) {
	ctx := context.Background()
	a := legacyWork(t, s, "Take Me Down", "rowan@example.org", "", "Rowan Ash")
	b := legacyWork(t, s, "Keep Me", "", "", "Rowan Ash")
	u := newUser(t, s, "Rowena")
	v := newUser(t, s, "Other Reader")
	arch := newUser(t, s, "Keeper", fanarchive.RoleArchivist)

	wantCode(t, s.RequestTakedown(ctx, &fanarchive.Takedown{WorkID: a.ID, UserID: u.ID, Reason: "  "}), fanarchive.EINVALID)
	wantCode(t, s.RequestTakedown(ctx, &fanarchive.Takedown{WorkID: a.ID, UserID: u.ID,
		Reason: strings.Repeat("x", fanarchive.MaxTakedownReason+1)}), fanarchive.EINVALID)
	wantCode(t, s.RequestTakedown(ctx, &fanarchive.Takedown{WorkID: 99999, UserID: u.ID, Reason: "Mine."}), fanarchive.ENOTFOUND)
	wantCode(t, s.RequestTakedown(ctx, &fanarchive.Takedown{WorkID: a.ID, UserID: 99999, Reason: "Mine."}), fanarchive.ENOTFOUND)

	first := &fanarchive.Takedown{WorkID: a.ID, UserID: u.ID, Reason: "I wrote it and want it gone."}
	must(t, s.RequestTakedown(ctx, first))
	if first.ID == 0 || first.State != fanarchive.TakedownPending || first.WorkTitle != "Take Me Down" || first.UserName != "Rowena" ||
		!first.CreatedAt.Equal(c.now()) {
		t.Errorf("a request: %+v", first)
	}
	wantCode(t, s.RequestTakedown(ctx, &fanarchive.Takedown{WorkID: a.ID, UserID: u.ID, Reason: "Again."}), fanarchive.ECONFLICT)
	c.advance(time.Minute)
	second := &fanarchive.Takedown{WorkID: a.ID, UserID: v.ID, Reason: "It is not theirs to post."}
	must(t, s.RequestTakedown(ctx, second))
	c.advance(time.Minute)
	third := &fanarchive.Takedown{WorkID: b.ID, UserID: v.ID, Reason: "This too."}
	must(t, s.RequestTakedown(ctx, third))

	queue, n, err := s.FindTakedowns(ctx, fanarchive.TakedownFilter{State: fanarchive.TakedownPending})
	must(t, err)
	if n != 3 || queue[0].ID != first.ID || queue[2].ID != third.ID || queue[0].Reason != first.Reason {
		t.Errorf("the queue, oldest first: %d %+v", n, queue)
	}

	dismissed, err := s.DecideTakedown(ctx, third.ID, arch.ID, false, "It is within the rules.")
	must(t, err)
	if dismissed.State != fanarchive.TakedownDismissed || dismissed.DecidedBy != arch.ID || dismissed.DecidedByName != "Keeper" ||
		dismissed.DecisionNote != "It is within the rules." || !dismissed.DecidedAt.Equal(c.now()) {
		t.Errorf("dismissed: %+v", dismissed)
	}
	if _, err := s.FindWorkByID(ctx, b.ID); err != nil {
		t.Errorf("a dismissed request's work: %v", err)
	}
	_, err = s.DecideTakedown(ctx, third.ID, arch.ID, true, "")
	wantCode(t, err, fanarchive.ECONFLICT)
	_, err = s.DecideTakedown(ctx, 99999, arch.ID, true, "")
	wantCode(t, err, fanarchive.ENOTFOUND)

	done, err := s.DecideTakedown(ctx, first.ID, arch.ID, true, "Asked by its author.")
	must(t, err)
	if done.State != fanarchive.TakedownDone {
		t.Errorf("taken down: %+v", done)
	}
	_, err = s.FindWorkByID(ctx, a.ID)
	wantCode(t, err, fanarchive.ENOTFOUND)
	if _, err := s.FindSourceBySHA256(ctx, a.Sources[0].SHA256); err != nil {
		t.Errorf("the source of a work taken down: %v", err)
	}
	list, n, err := s.FindTakedowns(ctx, fanarchive.TakedownFilter{WorkID: a.ID})
	must(t, err)
	if n != 2 || list[0].State != fanarchive.TakedownDone || list[1].State != fanarchive.TakedownDone || list[0].WorkTitle != "Take Me Down" {
		t.Errorf("requests for the work taken down: %+v", list)
	}
	// Importing the file again does not bring it back.
	again := newWork("Take Me Down")
	again.Authors = []fanarchive.Author{{Name: "Rowan Ash"}}
	err = s.CreateWork(ctx, again)
	wantCode(t, err, fanarchive.ECONFLICT)
	if again.ID != 0 {
		t.Errorf("a re-import of a work taken down points at %d", again.ID)
	}
	if _, n, _ := s.FindTakedowns(ctx, fanarchive.TakedownFilter{State: fanarchive.TakedownPending}); n != 0 {
		t.Errorf("%d requests still pending", n)
	}
	_, _, err = s.FindTakedowns(ctx, fanarchive.TakedownFilter{Limit: -1})
	wantCode(t, err, fanarchive.EINVALID)
}
