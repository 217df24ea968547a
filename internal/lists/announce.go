package lists

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"fanarchive"
	"fanarchive/internal/listmail"
	"fanarchive/internal/mail"
	"fanarchive/internal/prose"
)

// Announce implements fanarchive.ListEngine: a work of the site goes to
// each named list as a post from the list itself on the author's behalf —
// a summary and a link, or its whole text for lists that take it — with the
// same headers, archive entry and fan-out as any post. It is the author's
// choice (by must own the work) within the list's policy (Announce). Lists
// are announced to one by one; the errors of those that refused are
// joined.
func (e *Engine) Announce(ctx context.Context, workID int64, lists []string, by int64) error {
	w, err := e.Store.FindWorkByID(ctx, workID)
	if err != nil {
		return err
	}
	if !slices.Contains(w.Owners, by) {
		return fanarchive.Errorf(fanarchive.EINVALID, "Only the work's authors may announce it.")
	}
	if w.Draft || w.Restricted || !w.DeletedAt.IsZero() {
		return fanarchive.Errorf(fanarchive.EINVALID, "Only a published work open to everyone is announced to lists.")
	}
	var errs []error
	for _, name := range lists {
		if err := e.announceTo(ctx, w, name); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// announceTo announces w to one list.
func (e *Engine) announceTo(ctx context.Context, w *fanarchive.Work, name string) error {
	l, err := e.Store.FindList(ctx, name)
	if err != nil {
		return err
	}
	if l.Announce == fanarchive.AnnounceNone {
		return fanarchive.Errorf(fanarchive.EINVALID, "%s takes no announcements of works.", l.Title)
	}
	cfg, err := e.mail(ctx)
	if err != nil {
		return err
	}
	names := w.AuthorNames()
	a := &listmail.Announcement{
		From:    mail.Address{Name: strings.Join(names, ", ") + " via " + l.Title, Address: e.From.Address},
		Title:   w.Title,
		Authors: names,
		Rating:  string(w.Rating),
		Fandoms: w.TagsOf(fanarchive.TagFandom),
		Tags:    append(w.TagsOf(fanarchive.TagRelationship), w.TagsOf(fanarchive.TagFreeform)...),
		Summary: w.Summary,
		URL:     fmt.Sprintf("%s/works/%d", strings.TrimRight(e.BaseURL, "/"), w.ID),
		Words:   w.Words,
	}
	if n := len(w.Chapters); n > 0 {
		of := "?"
		if w.Complete {
			of = strconv.Itoa(n)
		}
		a.Chapters = strconv.Itoa(n) + "/" + of
	}
	if prev, err := e.Store.FindWorkListPosts(ctx, w.ID); err == nil {
		for _, p := range prev {
			if p.ListID == l.ID {
				a.Update = true
			}
		}
	}
	if l.Announce == fanarchive.AnnounceFull {
		var text strings.Builder
		for i := range w.Chapters {
			c, err := e.Store.FindChapter(ctx, w.ID, i+1)
			if err != nil {
				return err
			}
			if c.Title != "" {
				text.WriteString(c.Title + "\n\n")
			}
			text.WriteString(prose.PlainText(c.Body) + "\n\n")
		}
		a.Text = text.String()
	}
	raw, err := cfg.BuildAnnounce(l, a)
	if err != nil {
		return err
	}
	if int64(len(raw)) > l.MaxSize {
		return fanarchive.Errorf(fanarchive.EINVALID, "%s is too long for %s (at most %d KB a post).", w.Title, l.Title, l.MaxSize>>10)
	}
	in := read(inboundEnvelope(l, e.now()), raw, fmt.Sprintf("site:announce:%d:%d:%d", l.ID, w.ID, w.UpdatedAt.UnixNano()))
	m := e.message(ctx, l, in)
	m.State = fanarchive.ListMessagePosted
	m.UserID = 0
	fanout, err := e.fanout(ctx, l, raw, m)
	if err != nil {
		return err
	}
	err = e.Store.ReceiveListMessage(ctx, m, fanout, nil)
	if fanarchive.ErrorCode(err) == fanarchive.ECONFLICT {
		return fanarchive.Errorf(fanarchive.ECONFLICT, "This version of %s was announced to %s already.", w.Title, l.Title)
	}
	if err != nil {
		return err
	}
	// The post is the work's: linked, never filed again.
	if err := e.Store.SetListMessageWork(ctx, m.ID, w.ID, 1); err != nil {
		return err
	}
	e.logger().Info("work announced to a list", "list", l.Name, "work", w.ID, "message", m.ID)
	return nil
}
