package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"fanarchive"
	"fanarchive/internal/search"
)

// UpdateWorkField sets one field of a work from an archivist's text (see
// fanarchive.Work.SetField), records the edit and updates search.
func (s *Store) UpdateWorkField(ctx context.Context, workID int64, field, value, by string) error {
	if err := fanarchive.CheckEditor(by); err != nil {
		return err
	}
	if !slices.Contains(fanarchive.EditableFields, field) {
		return fanarchive.Errorf(fanarchive.EINVALID, "Unknown field %q; fields that can be set are: %s.",
			field, strings.Join(fanarchive.EditableFields, ", "))
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		w, err := loadWork(ctx, tx, workID)
		if err != nil {
			return err
		}
		old, new, err := w.SetField(field, value, by)
		if err != nil {
			return err
		}
		if field == fanarchive.FieldDuplicateOf && w.DuplicateOf != 0 {
			if err := checkDuplicateTarget(ctx, tx, w); err != nil {
				return err
			}
		}
		if err := s.saveWork(ctx, tx, w); err != nil {
			return err
		}
		if field == fanarchive.FieldAuthors {
			if err := writeAuthors(ctx, tx, w); err != nil {
				return err
			}
		}
		if _, ok := fanarchive.TagKindOfField(field); ok {
			if err := writeTags(ctx, tx, w); err != nil {
				return err
			}
		}
		if err := s.reindexWork(ctx, tx, w.ID); err != nil {
			return err
		}
		op := fanarchive.EditSet
		if field == fanarchive.FieldKind {
			op = fanarchive.EditMark
		}
		return s.recordEdits(ctx, tx, w.ID, by, fanarchive.WorkEdit{Op: op, Field: field, Old: old, New: new})
	})
	if err != nil {
		return fmt.Errorf("set %s of work %d: %w", field, workID, err)
	}
	return nil
}

// checkDuplicateTarget returns EINVALID unless the work w is to be marked a
// duplicate of exists and is not a duplicate itself, which keeps chains of
// duplicates one step long and free of cycles.
func checkDuplicateTarget(ctx context.Context, tx *sql.Tx, w *fanarchive.Work) error {
	var of sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT duplicate_of FROM works WHERE id = ?`, w.DuplicateOf).Scan(&of)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fanarchive.Errorf(fanarchive.EINVALID, "Work %d cannot be a duplicate of work %d, which does not exist.", w.ID, w.DuplicateOf)
	case err != nil:
		return fmt.Errorf("find work %d: %w", w.DuplicateOf, err)
	case of.Valid:
		return fanarchive.Errorf(fanarchive.EINVALID, "Work %d is itself a duplicate of work %d; mark work %d a duplicate of work %d instead.",
			w.DuplicateOf, of.Int64, w.ID, of.Int64)
	}
	return nil
}

// ConfirmWork accepts fields of a work as they are (fanarchive.Work.Confirm)
// and records one edit per field and per cleared problem.
func (s *Store) ConfirmWork(ctx context.Context, workID int64, fields []string, by string) error {
	if err := fanarchive.CheckEditor(by); err != nil {
		return err
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		w, err := loadWork(ctx, tx, workID)
		if err != nil {
			return err
		}
		edits, err := w.Confirm(fields, by)
		if err != nil {
			return err
		}
		if err := s.saveWork(ctx, tx, w); err != nil {
			return err
		}
		for _, e := range edits {
			if kind, ok := fanarchive.TagKindOfField(e.Field); ok {
				if _, err := tx.ExecContext(ctx, `UPDATE work_tags SET inferred = 0 WHERE work_id = ?
					AND tag_id IN (SELECT id FROM tags WHERE kind = ?)`, w.ID, string(kind)); err != nil {
					return fmt.Errorf("confirm %s tags: %w", kind, err)
				}
			}
		}
		if err := logChange(ctx, tx, w.ID, search.OpPut); err != nil {
			return err
		}
		return s.recordEdits(ctx, tx, w.ID, by, edits...)
	})
	if err != nil {
		return fmt.Errorf("confirm work %d: %w", workID, err)
	}
	return nil
}
