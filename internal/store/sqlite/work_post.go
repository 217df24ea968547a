package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"fanarchive"
	"fanarchive/internal/search"
)

// Posting (fanarchive.PostingService): changes to a work's metadata, its
// publication, deletion and restoration. Chapters are in work_chapters.go,
// co-authors in coauthors.go, revisions in revisions.go.

// errUnchanged rolls back a write that turned out to change nothing, so
// that no revision is recorded; the method then returns nil.
var errUnchanged = errors.New("nothing changed")

// UpdateWork changes a work's metadata and tags (see
// fanarchive.PostingService).
func (s *Store) UpdateWork(ctx context.Context, w *fanarchive.Work, by int64) error {
	if w == nil {
		return fanarchive.Errorf(fanarchive.EINVALID, "Work is required.")
	}
	if err := fanarchive.CheckUser(by); err != nil {
		return err
	}
	var stored *fanarchive.Work
	now := s.now().UTC()
	err := s.write(ctx, func(tx *sql.Tx) error {
		old, err := loadWork(ctx, tx, w.ID)
		if err != nil {
			return err
		}
		if !w.UpdatedAt.IsZero() && !w.UpdatedAt.Equal(old.UpdatedAt) {
			return fanarchive.Errorf(fanarchive.ECONFLICT, "Work %d was changed at %s, after it was read for this edit; read it again.",
				w.ID, old.UpdatedAt.Format(time.RFC3339))
		}
		works := []*fanarchive.Work{old}
		if err := loadChapters(ctx, tx, works, false); err != nil {
			return err
		}
		if err := loadSeries(ctx, tx, works); err != nil {
			return err
		}
		next := *old
		next.Title, next.Summary, next.Rating, next.Language = strings.TrimSpace(w.Title), w.Summary, w.Rating, w.Language
		next.Notes, next.EndNotes = slices.Clone(w.Notes), slices.Clone(w.EndNotes)
		next.Tags, next.Authors = slices.Clone(w.Tags), slices.Clone(w.Authors)
		next.Complete, next.Restricted, next.Series = w.Complete, w.Restricted, w.Series
		if err := next.Validate(); err != nil {
			return err
		}
		if err := s.saveWork(ctx, tx, &next); err != nil {
			return err
		}
		if err := writeAuthors(ctx, tx, &next); err != nil {
			return err
		}
		if err := writeTags(ctx, tx, &next); err != nil {
			return err
		}
		if next.Series, err = s.writeSeriesParts(ctx, tx, w.ID, w.Series, by); err != nil {
			return err
		}
		next.Authors, next.Tags = nil, nil
		if err := loadAuthors(ctx, tx, []*fanarchive.Work{&next}); err != nil {
			return err
		}
		if err := loadTags(ctx, tx, []*fanarchive.Work{&next}); err != nil {
			return err
		}
		changes := workChanges(old, &next)
		if len(changes) == 0 {
			return errUnchanged
		}
		if slices.ContainsFunc(changes, func(c fanarchive.FieldChange) bool {
			return c.Field == fanarchive.FieldTitle || c.Field == fanarchive.FieldSummary || c.Field == fanarchive.FieldAuthors
		}) {
			if err := s.reindexWork(ctx, tx, w.ID); err != nil { // the text index holds them
				return err
			}
		} else if err := logChange(ctx, tx, w.ID, search.OpPut); err != nil {
			return err
		}
		if err := loadOwners(ctx, tx, []*fanarchive.Work{&next}); err != nil {
			return err
		}
		stored = &next
		return s.recordRevision(ctx, tx, w.ID, fanarchive.RevisionUpdate, by, changes)
	})
	if errors.Is(err, errUnchanged) {
		return nil
	} else if err != nil {
		return fmt.Errorf("update work %d: %w", w.ID, err)
	}
	w.Authors, w.Tags, w.Series, w.Owners = stored.Authors, stored.Tags, stored.Series, stored.Owners
	w.UpdatedAt = now
	return nil
}

// workChanges lists the fields UpdateWork sets that differ between two
// versions of a work, as text.
func workChanges(a, b *fanarchive.Work) []fanarchive.FieldChange {
	var out []fanarchive.FieldChange
	add := func(field, old, new string) {
		if old != new {
			out = append(out, fanarchive.FieldChange{Field: field, Old: old, New: new})
		}
	}
	add(fanarchive.FieldTitle, a.Title, b.Title)
	add(fanarchive.FieldAuthors, strings.Join(a.AuthorNames(), ", "), strings.Join(b.AuthorNames(), ", "))
	add(fanarchive.FieldSummary, a.Summary, b.Summary)
	add("notes", notesText(a.Notes), notesText(b.Notes))
	add("end_notes", notesText(a.EndNotes), notesText(b.EndNotes))
	add(fanarchive.FieldRating, string(a.Rating), string(b.Rating))
	for _, f := range tagFieldKinds {
		add(f.field, strings.Join(a.TagsOf(f.kind), ", "), strings.Join(b.TagsOf(f.kind), ", "))
	}
	add(fanarchive.FieldLanguage, a.Language, b.Language)
	add(fanarchive.FieldComplete, strconv.FormatBool(a.Complete), strconv.FormatBool(b.Complete))
	add("restricted", strconv.FormatBool(a.Restricted), strconv.FormatBool(b.Restricted))
	add("series", seriesText(a.Series), seriesText(b.Series))
	return out
}

// tagFieldKinds names the tag kinds as revisions name their fields, in the
// order forms show them.
var tagFieldKinds = []struct {
	field string
	kind  fanarchive.TagKind
}{
	{fanarchive.FieldFandoms, fanarchive.TagFandom}, {fanarchive.FieldWarnings, fanarchive.TagWarning},
	{fanarchive.FieldCategories, fanarchive.TagCategory}, {fanarchive.FieldRelationships, fanarchive.TagRelationship},
	{fanarchive.FieldCharacters, fanarchive.TagCharacter}, {fanarchive.FieldFreeform, fanarchive.TagFreeform},
}

// notesText gives notes as text for revisions: "Label: text", a blank line
// between two.
func notesText(notes []fanarchive.Note) string {
	parts := make([]string, len(notes))
	for i, n := range notes {
		parts[i] = n.Text
		if n.Label != "" {
			parts[i] = n.Label + ": " + n.Text
		}
	}
	return strings.Join(parts, "\n\n")
}

// PublishWork publishes a draft.
func (s *Store) PublishWork(ctx context.Context, workID, by int64) error {
	if err := fanarchive.CheckUser(by); err != nil {
		return err
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		w, err := loadWork(ctx, tx, workID)
		if err != nil {
			return err
		}
		if !w.Draft {
			return errUnchanged
		}
		w.Draft = false
		w.Published = s.now().UTC()
		w.Updated = w.Published
		if err := s.saveWork(ctx, tx, w); err != nil {
			return err
		}
		if err := logChange(ctx, tx, workID, search.OpPut); err != nil {
			return err
		}
		return s.recordRevision(ctx, tx, workID, fanarchive.RevisionPublish, by,
			[]fanarchive.FieldChange{{Field: "draft", Old: "true", New: "false"}})
	})
	if errors.Is(err, errUnchanged) {
		return nil
	} else if err != nil {
		return fmt.Errorf("publish work %d: %w", workID, err)
	}
	return nil
}

// TrashWork deletes a work so that it can be restored.
func (s *Store) TrashWork(ctx context.Context, workID, by int64) error {
	if err := fanarchive.CheckUser(by); err != nil {
		return err
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		if _, err := loadWork(ctx, tx, workID); err != nil {
			return err
		}
		now := formatTime(s.now())
		if _, err := tx.ExecContext(ctx, `UPDATE works SET deleted_at = ?, deleted_by = ?, updated_at = ? WHERE id = ?`,
			now, by, now, workID); err != nil {
			return err
		}
		if err := logChange(ctx, tx, workID, search.OpPut); err != nil { // read again: no longer listed
			return err
		}
		return s.recordRevision(ctx, tx, workID, fanarchive.RevisionDelete, by, nil)
	})
	if err != nil {
		return fmt.Errorf("delete work %d: %w", workID, err)
	}
	return nil
}

// RestoreWork brings back a deleted work.
func (s *Store) RestoreWork(ctx context.Context, workID, by int64) error {
	if err := fanarchive.CheckUser(by); err != nil {
		return err
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		if _, err := loadWorkWhere(ctx, tx, workID, `w.deleted_at IS NOT NULL`); err != nil {
			if fanarchive.ErrorCode(err) == fanarchive.ENOTFOUND {
				return fanarchive.Errorf(fanarchive.ENOTFOUND, "No deleted work has ID %d.", workID)
			}
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE works SET deleted_at = NULL, deleted_by = NULL, updated_at = ? WHERE id = ?`,
			formatTime(s.now()), workID); err != nil {
			return err
		}
		if err := logChange(ctx, tx, workID, search.OpPut); err != nil {
			return err
		}
		return s.recordRevision(ctx, tx, workID, fanarchive.RevisionRestore, by, nil)
	})
	if err != nil {
		return fmt.Errorf("restore work %d: %w", workID, err)
	}
	return nil
}

// purgeBatch is how many works PurgeWorks removes per transaction, so that
// a large purge does not hold up other writers for long.
const purgeBatch = 100

// PurgeWorks removes for good the works deleted before deletedBefore.
func (s *Store) PurgeWorks(ctx context.Context, deletedBefore time.Time) (int, error) {
	total := 0
	for {
		n := 0
		err := s.write(ctx, func(tx *sql.Tx) error {
			rows, err := tx.QueryContext(ctx, `SELECT id FROM works WHERE deleted_at IS NOT NULL AND deleted_at < ?
				ORDER BY deleted_at LIMIT ?`, formatTime(deletedBefore), purgeBatch)
			if err != nil {
				return err
			}
			var ids []int64
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return err
				}
				ids = append(ids, id)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			for _, id := range ids {
				if err := s.unlistWork(ctx, tx, id); err != nil {
					return err
				}
				if err := s.deleteWorkRow(ctx, tx, id); err != nil {
					return err
				}
			}
			n = len(ids)
			return nil
		})
		if err != nil {
			return total, fmt.Errorf("purge deleted works: %w", err)
		}
		total += n
		if n < purgeBatch {
			return total, nil
		}
	}
}
