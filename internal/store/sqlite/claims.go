package sqlite

import (
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"fanarchive"
	"fanarchive/internal/privacy"
)

// Claims of legacy authors (migration 0014, docs/accounts.md "Claims and
// takedowns"): requests, mailed links, archivists' assignments and
// refusals here; moving the works in claims_settle.go.

// addressKey is what a claim keeps of an address: the SHA-256 of its
// EmailKey, in hex; "" for none.
func addressKey(addr string) string {
	if addr == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(fanarchive.EmailKey(addr)))
	return hex.EncodeToString(sum[:])
}

// contactSQL is a work's feedback contact, as the work page's provenance
// reads it: the work's own, else its first source's that has one. Over
// works w.
const contactSQL = `coalesce(nullif(w.feedback_contact, ''), (SELECT s.feedback_contact FROM work_sources ws
	JOIN sources s ON s.id = ws.source_id WHERE ws.work_id = w.id AND s.feedback_contact <> ''
	ORDER BY ws.position LIMIT 1), '')`

// claimTarget reads what claiming a work would claim, and the address its
// header names ("" for none), which must go no further than a mail.
func claimTarget(ctx context.Context, tx *sql.Tx, workID int64) (*fanarchive.ClaimTarget, string, error) {
	t := &fanarchive.ClaimTarget{WorkID: workID}
	var contact string
	err := tx.QueryRowContext(ctx, `SELECT w.title, `+contactSQL+` FROM works w WHERE w.id = ?`, workID).Scan(&t.WorkTitle, &contact)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", fanarchive.Errorf(fanarchive.ENOTFOUND, "Work %d not found.", workID)
	} else if err != nil {
		return nil, "", err
	}
	rows, err := tx.QueryContext(ctx, `SELECT a.id, a.name FROM work_authors wa JOIN authors a ON a.id = wa.author_id
		WHERE wa.work_id = ? AND a.user_id IS NULL ORDER BY wa.position`, workID)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	for rows.Next() {
		var a fanarchive.Author
		if err := rows.Scan(&a.ID, &a.Name); err != nil {
			return nil, "", err
		}
		t.Authors = append(t.Authors, a)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	addr := privacy.ContactAddress(contact)
	t.HasAddress = addr != ""
	if t.HasAddress && len(t.Authors) == 1 {
		works, err := worksOfAuthor(ctx, tx, t.Authors[0].ID)
		if err != nil {
			return nil, "", err
		}
		key := addressKey(addr)
		for _, w := range works {
			if w.key == key {
				t.SameAddress++
				t.SameAddressWorks = append(t.SameAddressWorks, w.id)
			}
		}
	}
	return t, addr, nil
}

// authorWork is one work of an author and the key of the address its
// header names.
type authorWork struct {
	id  int64
	key string
}

// worksOfAuthor returns an author's works, by ID, each with its address key.
func worksOfAuthor(ctx context.Context, tx *sql.Tx, authorID int64) ([]authorWork, error) {
	rows, err := tx.QueryContext(ctx, `SELECT w.id, `+contactSQL+` FROM work_authors wa JOIN works w ON w.id = wa.work_id
		WHERE wa.author_id = ? ORDER BY w.id`, authorID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var works []authorWork
	for rows.Next() {
		var w authorWork
		var contact string
		if err := rows.Scan(&w.id, &contact); err != nil {
			return nil, err
		}
		w.key = addressKey(privacy.ContactAddress(contact))
		works = append(works, w)
	}
	return works, rows.Err()
}

// claimAuthor picks the legacy author of a target a claim names: authorID
// when it is one of them, or the only one when authorID is 0.
func claimAuthor(t *fanarchive.ClaimTarget, authorID int64) (fanarchive.Author, error) {
	switch {
	case len(t.Authors) == 0:
		return fanarchive.Author{}, fanarchive.Errorf(fanarchive.EINVALID, "Every author of this work has an account already; there is nothing to claim.")
	case authorID == 0 && len(t.Authors) == 1:
		return t.Authors[0], nil
	case authorID == 0:
		return fanarchive.Author{}, fanarchive.Errorf(fanarchive.EINVALID, "This work has several authors; say which one you are.")
	}
	for _, a := range t.Authors {
		if a.ID == authorID {
			return a, nil
		}
	}
	return fanarchive.Author{}, fanarchive.Errorf(fanarchive.EINVALID, "That is not an unclaimed author of this work.")
}

// FindClaimTarget returns what claiming a work would claim.
func (s *Store) FindClaimTarget(ctx context.Context, workID int64) (*fanarchive.ClaimTarget, error) {
	var t *fanarchive.ClaimTarget
	err := s.read(ctx, func(tx *sql.Tx) (err error) {
		t, _, err = claimTarget(ctx, tx, workID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("find claim target of work %d: %w", workID, err)
	}
	return t, nil
}

// RequestClaim records a pending claim, and for a mailed one its token and
// mail, in one transaction.
func (s *Store) RequestClaim(ctx context.Context, c *fanarchive.Claim, t *fanarchive.Token, mail func(to string) ([]*fanarchive.OutboundMail, error)) error {
	switch {
	case c.Via != fanarchive.ClaimByMail && c.Via != fanarchive.ClaimByArchivist:
		return fanarchive.Errorf(fanarchive.EINVALID, "A claim is asked for by mail or of an archivist.")
	case c.Via == fanarchive.ClaimByMail && (t == nil || mail == nil || t.Purpose != fanarchive.TokenClaim):
		return fanarchive.Errorf(fanarchive.EINVALID, "A mailed claim needs a claim token and its mail.")
	}
	if err := fanarchive.ValidateClaimNote(c.Note); err != nil {
		return err
	}
	var done func()
	err := s.write(ctx, func(tx *sql.Tx) error {
		now := s.now().UTC()
		u, err := findUser(ctx, tx, `u.id = ?`, c.UserID)
		if err != nil {
			return err
		} else if u.Disabled {
			return fanarchive.Errorf(fanarchive.EINVALID, "That account is disabled.")
		}
		target, addr, err := claimTarget(ctx, tx, c.WorkID)
		if err != nil {
			return err
		}
		author, err := claimAuthor(target, c.AuthorID)
		if err != nil {
			return err
		}
		if c.Via == fanarchive.ClaimByMail && !target.CanMail() {
			if !target.HasAddress {
				return fanarchive.Errorf(fanarchive.EINVALID, "The original header of this work names no address we can send a link to; an archivist can look at your claim instead.")
			}
			return fanarchive.Errorf(fanarchive.EINVALID, "This work has several authors, so the address in its header proves no one of them; an archivist can look at your claim instead.")
		}
		if c.Via == fanarchive.ClaimByArchivist {
			if ok, err := exists(ctx, tx, `SELECT 1 FROM claims WHERE user_id = ? AND author_id = ? AND via = 'archivist'
				AND state = 'pending'`, u.ID, author.ID); err != nil {
				return err
			} else if ok {
				return fanarchive.Errorf(fanarchive.ECONFLICT, "You have asked an archivist about %s's works already; they will look at it.", author.Name)
			}
		}
		c.UserName, c.AuthorID, c.AuthorName, c.WorkTitle = u.Name, author.ID, author.Name, target.WorkTitle
		c.HasAddress, c.State, c.CreatedAt = addr != "", fanarchive.ClaimPending, now
		switch {
		case c.Scope == "" && addr != "":
			c.Scope = fanarchive.ScopeAddress
		case c.Scope == "", c.Scope == fanarchive.ScopeWork:
			c.Scope = fanarchive.ScopeWork
		case c.Scope == fanarchive.ScopeAddress && addr == "":
			return fanarchive.Errorf(fanarchive.EINVALID, "The original header of this work names no address, so only this work can be claimed.")
		case c.Scope != fanarchive.ScopeAddress:
			return fanarchive.Errorf(fanarchive.EINVALID, "Claim the works with the address in the header, or this work alone.")
		}
		if c.PseudID != 0 {
			if err := ownPseud(ctx, tx, c.PseudID, u.ID); err != nil {
				return err
			}
		}
		var tokenID sql.NullString
		if c.Via == fanarchive.ClaimByMail {
			t.UserID, t.AuthorID, t.WorkID, t.Email = u.ID, author.ID, c.WorkID, ""
			if err := insertToken(ctx, tx, t, now); err != nil {
				return err
			}
			tokenID, c.ExpiresAt = sql.NullString{String: t.ID, Valid: true}, t.ExpiresAt.UTC()
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO claims (user_id, user_name, author_id, author_name, work_id, work_title,
			via, scope, address_key, token_id, expires_at, state, note, pseud_id, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?) RETURNING id`, u.ID, u.Name, author.ID, author.Name, c.WorkID,
			target.WorkTitle, string(c.Via), string(c.Scope), addressKey(addr), tokenID, nullTime(c.ExpiresAt), c.Note,
			nullID(c.PseudID), formatTime(now)).Scan(&c.ID); err != nil {
			return err
		}
		if c.Via != fanarchive.ClaimByMail {
			return nil
		}
		mails, err := mail(addr)
		if err != nil {
			// Nothing of the address goes into the error.
			return fmt.Errorf("build the claim mail: %s", fanarchive.ErrorCode(err))
		}
		if done, err = s.queueMail(ctx, tx, mails); err != nil {
			return fmt.Errorf("queue the claim mail: %s %s", fanarchive.ErrorCode(err), fanarchive.ErrorMessage(err))
		}
		return nil
	})
	if err != nil {
		c.ID = 0
		return fmt.Errorf("request claim of work %d: %w", c.WorkID, err)
	}
	if done != nil {
		done()
	}
	return nil
}

// claimColumns are what scanClaim reads, from claims c and users d (the
// archivist who decided), given the time now as the first argument of the
// query, which tells a pending claim whose link ran out.
const claimColumns = `c.id, coalesce(c.user_id, 0), c.user_name, coalesce(c.author_id, 0), c.author_name, c.work_id,
	c.work_title, c.via, c.scope, c.address_key <> '',
	CASE WHEN c.state = 'pending' AND c.expires_at <= ? THEN 'expired' ELSE c.state END,
	c.note, coalesce(c.decided_by, 0), coalesce(d.name, ''), c.decision_note, coalesce(c.pseud_id, 0),
	c.created_at, c.expires_at, c.decided_at`

const claimFrom = ` FROM claims c LEFT JOIN users d ON d.id = c.decided_by`

func scanClaim(row scanner, extra ...any) (*fanarchive.Claim, error) {
	c := &fanarchive.Claim{}
	var via, scope, state string
	var created, expires, decided sql.NullString
	err := row.Scan(append([]any{&c.ID, &c.UserID, &c.UserName, &c.AuthorID, &c.AuthorName, &c.WorkID, &c.WorkTitle,
		&via, &scope, &c.HasAddress, &state, &c.Note, &c.DecidedBy, &c.DecidedByName, &c.DecisionNote, &c.PseudID,
		&created, &expires, &decided}, extra...)...)
	if err != nil {
		return nil, err
	}
	c.Via, c.Scope, c.State = fanarchive.ClaimVia(via), fanarchive.ClaimScope(scope), fanarchive.ClaimState(state)
	for _, t := range []struct {
		src sql.NullString
		dst *time.Time
	}{{created, &c.CreatedAt}, {expires, &c.ExpiresAt}, {decided, &c.DecidedAt}} {
		if *t.dst, err = parseTime(t.src); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// findClaim reads one claim by a condition on claims c, with the works it
// moved.
func findClaim(ctx context.Context, tx *sql.Tx, now time.Time, where string, args ...any) (*fanarchive.Claim, error) {
	c, err := scanClaim(tx.QueryRowContext(ctx, `SELECT `+claimColumns+claimFrom+` WHERE `+where,
		append([]any{formatTime(now)}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fanarchive.Errorf(fanarchive.ENOTFOUND, "No such claim.")
	} else if err != nil {
		return nil, err
	}
	return c, loadClaimWorks(ctx, tx, []*fanarchive.Claim{c})
}

// loadClaimWorks sets the works each claim moved.
func loadClaimWorks(ctx context.Context, tx *sql.Tx, claims []*fanarchive.Claim) error {
	for _, c := range claims {
		rows, err := tx.QueryContext(ctx, `SELECT work_id FROM claim_works WHERE claim_id = ? ORDER BY work_id`, c.ID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			c.Works = append(c.Works, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// FindClaim returns a claim with the works it moved.
func (s *Store) FindClaim(ctx context.Context, id int64) (*fanarchive.Claim, error) {
	var c *fanarchive.Claim
	err := s.read(ctx, func(tx *sql.Tx) (err error) {
		c, err = findClaim(ctx, tx, s.now(), `c.id = ?`, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("find claim %d: %w", id, err)
	}
	return c, nil
}

// FindClaimByToken returns the pending claim of a usable link, with the
// works confirming it would move.
func (s *Store) FindClaimByToken(ctx context.Context, tokenID string) (*fanarchive.Claim, error) {
	var c *fanarchive.Claim
	err := s.read(ctx, func(tx *sql.Tx) error {
		now := s.now()
		if _, err := scanToken(tx.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM tokens
			WHERE id = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?`, tokenID, string(fanarchive.TokenClaim), formatTime(now))); err != nil {
			return err
		}
		var err error
		if c, err = findClaim(ctx, tx, now, `c.token_id = ? AND c.state = 'pending'`, tokenID); err != nil {
			return tokenGone()
		}
		key, err := claimAddressKey(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		if c.Works, _, err = claimWorks(ctx, tx, c, key); fanarchive.ErrorCode(err) == fanarchive.EINVALID {
			c.Works, err = nil, nil // nothing would move: confirming says why
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("find claim by link: %w", err)
	}
	return c, nil
}

// claimAddressKey returns the address key a claim rests on.
func claimAddressKey(ctx context.Context, tx *sql.Tx, id int64) (string, error) {
	var key string
	err := tx.QueryRowContext(ctx, `SELECT address_key FROM claims WHERE id = ?`, id).Scan(&key)
	return key, err
}

// ConfirmClaim uses a claim link and settles its claim.
func (s *Store) ConfirmClaim(ctx context.Context, tokenID string, userID int64) (*fanarchive.Claim, error) {
	var c *fanarchive.Claim
	err := s.write(ctx, func(tx *sql.Tx) error {
		now := s.now()
		// Another user's link is refused before it is used, so its own
		// user can still follow it.
		var owner sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT user_id FROM tokens WHERE id = ? AND purpose = ?`, tokenID,
			string(fanarchive.TokenClaim)).Scan(&owner); err != nil || owner.Int64 != userID || userID == 0 {
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			return tokenGone()
		}
		if _, err := useToken(ctx, tx, tokenID, fanarchive.TokenClaim, now); err != nil {
			return err
		}
		var err error
		if c, err = findClaim(ctx, tx, now, `c.token_id = ? AND c.state = 'pending'`, tokenID); err != nil {
			return tokenGone()
		}
		key, err := claimAddressKey(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		if err := s.settleClaim(ctx, tx, c, key); err != nil { // claims_settle.go
			return err
		}
		c.State, c.DecidedAt = fanarchive.ClaimConfirmed, now.UTC()
		return s.claimSettled(ctx, tx, c)
	})
	if err != nil {
		return nil, fmt.Errorf("confirm claim: %w", err)
	}
	return c, nil
}

// AssignClaim settles a claim by hand.
func (s *Store) AssignClaim(ctx context.Context, c *fanarchive.Claim) error {
	if !c.Scope.Valid() {
		return fanarchive.Errorf(fanarchive.EINVALID, "Choose which works move: those with the address, the work alone, or all.")
	}
	if err := fanarchive.ValidateClaimNote(c.DecisionNote); err != nil {
		return err
	}
	scope, by, note, pseud := c.Scope, c.DecidedBy, c.DecisionNote, c.PseudID
	err := s.write(ctx, func(tx *sql.Tx) error {
		now := s.now()
		archivist, err := findUser(ctx, tx, `u.id = ?`, by)
		if err != nil {
			return fanarchive.Errorf(fanarchive.EINVALID, "An assignment needs the archivist who makes it.")
		}
		var key string
		if c.ID != 0 {
			if *c, err = pendingClaim(ctx, tx, now, c.ID); err != nil {
				return err
			}
			if key, err = claimAddressKey(ctx, tx, c.ID); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE tokens SET used_at = ? WHERE id = (SELECT token_id FROM claims WHERE id = ?)
				AND used_at IS NULL`, formatTime(now), c.ID); err != nil {
				return err
			}
		} else {
			if key, err = s.newAssignment(ctx, tx, c, now); err != nil {
				return err
			}
		}
		c.Scope, c.DecidedBy, c.DecidedByName, c.DecisionNote = scope, archivist.ID, archivist.Name, note
		if pseud != 0 {
			c.PseudID = pseud // the archivist's choice over the claimant's
		}
		if err := s.settleClaim(ctx, tx, c, key); err != nil {
			return err
		}
		c.State, c.DecidedAt = fanarchive.ClaimAssigned, now.UTC()
		return s.claimSettled(ctx, tx, c)
	})
	if err != nil {
		return fmt.Errorf("assign claim: %w", err)
	}
	return nil
}

// pendingClaim reads a claim that is still to settle (its link may have
// run out: an archivist can still settle it). Returns ENOTFOUND or
// ECONFLICT.
func pendingClaim(ctx context.Context, tx *sql.Tx, now time.Time, id int64) (fanarchive.Claim, error) {
	c, err := findClaim(ctx, tx, now, `c.id = ?`, id)
	if err != nil {
		return fanarchive.Claim{}, err
	}
	if c.State != fanarchive.ClaimPending && c.State != fanarchive.ClaimExpired {
		return fanarchive.Claim{}, fanarchive.Errorf(fanarchive.ECONFLICT, "That claim is %s already.", c.State)
	}
	if c.State == fanarchive.ClaimExpired {
		c.State = fanarchive.ClaimPending
	}
	return *c, nil
}

// newAssignment records an assignment made without a request, for user
// c.UserID of the legacy author of work c.WorkID, and returns the key of
// the address the work's header names.
func (s *Store) newAssignment(ctx context.Context, tx *sql.Tx, c *fanarchive.Claim, now time.Time) (string, error) {
	u, err := findUser(ctx, tx, `u.id = ?`, c.UserID)
	if err != nil {
		return "", err
	}
	target, addr, err := claimTarget(ctx, tx, c.WorkID)
	if err != nil {
		return "", err
	}
	author, err := claimAuthor(target, c.AuthorID)
	if err != nil {
		return "", err
	}
	key := addressKey(addr)
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO claims (user_id, user_name, author_id, author_name, work_id, work_title,
		via, scope, address_key, state, created_at) VALUES (?, ?, ?, ?, ?, ?, 'assigned', ?, ?, 'pending', ?) RETURNING id`,
		u.ID, u.Name, author.ID, author.Name, c.WorkID, target.WorkTitle, string(cmp.Or(c.Scope, fanarchive.ScopeWork)), key,
		formatTime(now)).Scan(&id); err != nil {
		return "", err
	}
	*c = fanarchive.Claim{ID: id, UserID: u.ID, UserName: u.Name, AuthorID: author.ID, AuthorName: author.Name,
		WorkID: c.WorkID, WorkTitle: target.WorkTitle, Via: fanarchive.ClaimByHand, HasAddress: addr != "",
		State: fanarchive.ClaimPending, CreatedAt: now.UTC()}
	return key, nil
}

// claimSettled records a confirmed or assigned claim — its state, who
// decided, the pseud and the works it moved — in the transaction that moved
// them (settleClaim). Every claim that moves works ends here, a confirmed
// link or an archivist's assignment alike: it is the one event a claim is,
// and whatever must happen when the archive learns who a legacy author is
// belongs here, in the same commit. The feedback relay (the next step)
// delivers here what it held for c.Works, to c.UserID; later readers find
// the same in claim_works (FindClaims with WorkID, FindClaim's Works).
func (s *Store) claimSettled(ctx context.Context, tx *sql.Tx, c *fanarchive.Claim) error {
	if _, err := tx.ExecContext(ctx, `UPDATE claims SET state = ?, scope = ?, decided_by = ?, decision_note = ?,
		pseud_id = ?, decided_at = ? WHERE id = ?`, string(c.State), string(c.Scope), nullID(c.DecidedBy), c.DecisionNote,
		nullID(c.PseudID), formatTime(c.DecidedAt), c.ID); err != nil {
		return fmt.Errorf("record claim %d: %w", c.ID, err)
	}
	for _, w := range c.Works {
		if _, err := tx.ExecContext(ctx, `INSERT INTO claim_works (claim_id, work_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, c.ID, w); err != nil {
			return fmt.Errorf("record claim %d: %w", c.ID, err)
		}
	}
	return releaseHeldFeedback(ctx, tx, c.UserID, c.Works) // feedback.go
}

// ownPseud checks that author id is a pseud of user userID. Returns
// EINVALID.
func ownPseud(ctx context.Context, tx *sql.Tx, id, userID int64) error {
	var owner sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT user_id FROM authors WHERE id = ?`, id).Scan(&owner)
	if errors.Is(err, sql.ErrNoRows) || err == nil && owner.Int64 != userID {
		return fanarchive.Errorf(fanarchive.EINVALID, "That pseud is not one of the claimant's.")
	}
	return err
}

// RejectClaim refuses a pending claim; its link stops working.
func (s *Store) RejectClaim(ctx context.Context, id, by int64, note string) (*fanarchive.Claim, error) {
	if err := fanarchive.ValidateClaimNote(note); err != nil {
		return nil, err
	}
	var c *fanarchive.Claim
	err := s.write(ctx, func(tx *sql.Tx) error {
		now := s.now()
		archivist, err := findUser(ctx, tx, `u.id = ?`, by)
		if err != nil {
			return fanarchive.Errorf(fanarchive.EINVALID, "A refusal needs the archivist who makes it.")
		}
		pending, err := pendingClaim(ctx, tx, now, id)
		if err != nil {
			return err
		}
		c = &pending
		if _, err := tx.ExecContext(ctx, `UPDATE tokens SET used_at = ? WHERE id = (SELECT token_id FROM claims WHERE id = ?)
			AND used_at IS NULL`, formatTime(now), id); err != nil {
			return err
		}
		c.State, c.DecidedBy, c.DecidedByName, c.DecisionNote, c.DecidedAt = fanarchive.ClaimRejected, archivist.ID, archivist.Name, note, now.UTC()
		_, err = tx.ExecContext(ctx, `UPDATE claims SET state = 'rejected', decided_by = ?, decision_note = ?, decided_at = ?
			WHERE id = ?`, archivist.ID, note, formatTime(now), id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("reject claim %d: %w", id, err)
	}
	return c, nil
}

// FindClaims lists claims.
func (s *Store) FindClaims(ctx context.Context, f fanarchive.ClaimFilter) ([]*fanarchive.Claim, int, error) {
	if f.Offset < 0 || f.Limit < 0 {
		return nil, 0, fanarchive.Errorf(fanarchive.EINVALID, "Offset and limit may not be negative.")
	}
	limit := cmp.Or(f.Limit, 50)
	limit = min(limit, 500)
	now := formatTime(s.now())
	where, args := []string{`1 = 1`}, []any{}
	switch f.State {
	case "":
	case fanarchive.ClaimPending:
		where = append(where, `c.state = 'pending' AND (c.expires_at IS NULL OR c.expires_at > ?)`)
		args = append(args, now)
	case fanarchive.ClaimExpired:
		where = append(where, `(c.state = 'expired' OR c.state = 'pending' AND c.expires_at <= ?)`)
		args = append(args, now)
	default:
		where = append(where, `c.state = ?`)
		args = append(args, string(f.State))
	}
	if f.Via != "" {
		where = append(where, `c.via = ?`)
		args = append(args, string(f.Via))
	}
	if f.UserID != 0 {
		where = append(where, `c.user_id = ?`)
		args = append(args, f.UserID)
	}
	if f.WorkID != 0 {
		where = append(where, `(c.work_id = ? OR c.id IN (SELECT claim_id FROM claim_works WHERE work_id = ?))`)
		args = append(args, f.WorkID, f.WorkID)
	}
	order := `c.created_at DESC, c.id DESC`
	if f.State == fanarchive.ClaimPending {
		order = `c.created_at, c.id` // a queue: the oldest first
	}
	var claims []*fanarchive.Claim
	total := 0
	err := s.read(ctx, func(tx *sql.Tx) error {
		// The first argument is now, for claimColumns; the filter's
		// arguments, the limit and the offset follow in order.
		q := `SELECT ` + claimColumns + `, COUNT(*) OVER ()` + claimFrom + ` WHERE ` + strings.Join(where, " AND ") +
			` ORDER BY ` + order + ` LIMIT ? OFFSET ?`
		rows, err := tx.QueryContext(ctx, q, append(append([]any{now}, args...), limit, f.Offset)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			c, err := scanClaim(rows, &total)
			if err != nil {
				return err
			}
			claims = append(claims, c)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		return loadClaimWorks(ctx, tx, claims)
	})
	if err != nil {
		return nil, 0, fmt.Errorf("find claims: %w", err)
	}
	return claims, total, nil
}
