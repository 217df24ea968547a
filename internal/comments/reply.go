package comments

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net/textproto"
	"strings"

	"fanarchive"
	"fanarchive/internal/ingest"
)

// maxReply is the largest reply mail taken, header and body.
const maxReply = 1 << 20

// ReplyByMail posts a reply received at a comment notification's reply
// address (token is the part after "comment+") as a reply comment by the
// account the notification was mailed to: the first text part of raw (an
// RFC 5322 message), quoted text and signature removed. Returns ENOTFOUND
// for a forged, altered or malformed token or a comment that is gone, and
// EINVALID for an automatic reply (Auto-Submitted), a message without
// text, an account that may not comment there, or a comment that cannot
// be answered (deleted, held, too deep).
func (x *Service) ReplyByMail(ctx context.Context, token string, raw []byte) error {
	key, err := x.secret(ctx)
	if err != nil {
		return err
	}
	commentID, userID, err := ParseReplyToken(key, token)
	if err != nil {
		return err
	}
	if len(raw) > maxReply {
		return fanarchive.Errorf(fanarchive.EINVALID, "The reply is too large.")
	}
	if auto := autoSubmitted(raw); auto {
		return fanarchive.Errorf(fanarchive.EINVALID, "Automatic replies are not posted.")
	}
	posts, ok, err := ingest.SplitPosts(raw)
	if err != nil || !ok || len(posts) == 0 {
		return fanarchive.Errorf(fanarchive.EINVALID, "The reply could not be read as mail.")
	}
	text := strings.TrimSpace(posts[len(posts)-1].Text)
	if text == "" {
		return fanarchive.Errorf(fanarchive.EINVALID, "The reply has no text of its own to post.")
	}
	parent, err := x.Store.FindComment(ctx, commentID)
	if err != nil {
		return err
	}
	u, err := x.Store.FindUserByID(ctx, userID)
	if err != nil {
		return err
	}
	if u.Disabled {
		return fanarchive.Errorf(fanarchive.EINVALID, "That account is disabled.")
	}
	owners, _, err := x.Store.CommentOwners(ctx, commentID)
	if err != nil {
		return err
	}
	if blocked, err := Blocked(ctx, x.Store, owners, userID); err != nil {
		return err
	} else if blocked {
		return fanarchive.Errorf(fanarchive.EINVALID, "The author does not take comments from this account.")
	}
	body, err := Render(fanarchive.CommentText, text)
	if err != nil {
		return err
	}
	mailer, err := x.Mailer(ctx)
	if err != nil {
		return err
	}
	c := &fanarchive.Comment{WorkID: parent.WorkID, ParentID: commentID, UserID: userID, Format: fanarchive.CommentText,
		Input: text, Body: body}
	if err := x.Store.PostComment(ctx, c, mailer); err != nil {
		return fmt.Errorf("reply by mail to comment %d: %w", commentID, err)
	}
	return nil
}

// autoSubmitted reports whether a message's header says it is automatic
// (Auto-Submitted other than "no"), as vacation replies and bounces are.
func autoSubmitted(raw []byte) bool {
	r := textproto.NewReader(bufio.NewReader(bytes.NewReader(raw)))
	h, _ := r.ReadMIMEHeader()
	a := strings.ToLower(strings.TrimSpace(h.Get("Auto-Submitted")))
	return a != "" && a != "no"
}
