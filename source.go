package fanarchive

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Source is one original file exactly as it was imported: the raw bytes,
// their SHA-256, and what the importer read about where the file came from.
// Sources are never changed or deleted by edits to the work built from them;
// claims, takedowns and re-imports depend on them.
//
// FeedbackContact may hold an e-mail address. It is private: it is used to
// relay feedback and to verify claims, and is never rendered publicly.
type Source struct {
	ID     int64  `json:"id"`
	WorkID int64  `json:"work_id,omitempty"` // the first work made from the file
	Part   int    `json:"part"`              // 1-based position among the work's sources
	Name   string `json:"filename"`          // the path as given to the importer
	SHA256 string `json:"sha256"`            // hex of the raw bytes
	Size   int64  `json:"size"`

	// Raw is the file byte for byte. It is loaded only by FindSourceByID.
	Raw []byte `json:"-"`

	Encoding        string `json:"encoding,omitempty"` // charset the text was decoded from, e.g. "windows-1252"
	Archive         string `json:"archive,omitempty"`  // archive the story was collected in, e.g. "Level Three Records Room"
	List            string `json:"list,omitempty"`     // mailing list it was posted to, e.g. "Level Three"
	FeedbackContact string `json:"-"`                  // private, as written: a name or an address

	ImportRunID int64     `json:"import_run_id,omitempty"`
	ImportedAt  time.Time `json:"imported_at"`
}

// SumSHA256 returns the hex SHA-256 of b, the form Source.SHA256 takes.
func SumSHA256(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Validate returns an EINVALID error if the source's size or checksum do not
// match its raw bytes (when they are loaded).
func (s *Source) Validate() error {
	switch {
	case len(s.Raw) > MaxSourceBytes:
		return Errorf(EINVALID, "Source %q is larger than %d bytes.", s.Name, MaxSourceBytes)
	case s.Raw != nil && s.SHA256 != SumSHA256(s.Raw):
		return Errorf(EINVALID, "Source %q: SHA-256 does not match its bytes.", s.Name)
	case s.Raw != nil && s.Size != int64(len(s.Raw)):
		return Errorf(EINVALID, "Source %q: size does not match its bytes.", s.Name)
	case len(s.SHA256) != 64:
		return Errorf(EINVALID, "Source %q has no SHA-256.", s.Name)
	}
	return nil
}

// NewSource returns a source holding raw, with its checksum and size set.
func NewSource(name string, raw []byte) *Source {
	return &Source{Name: name, Raw: raw, SHA256: SumSHA256(raw), Size: int64(len(raw))}
}

// SourceService reads original files.
type SourceService interface {
	// FindSourceByID returns a source with its raw bytes. Returns ENOTFOUND.
	FindSourceByID(ctx context.Context, id int64) (*Source, error)

	// FindSourceBySHA256 returns the source (without raw bytes) whose bytes
	// have the given hex SHA-256. Returns ENOTFOUND.
	FindSourceBySHA256(ctx context.Context, sum string) (*Source, error)
}

// ImportRun records one invocation of the importer, so every source can be
// traced to the command that brought it in.
type ImportRun struct {
	ID         int64     `json:"id"`
	Args       string    `json:"args"` // the command line, for the record
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at,omitempty"`
	Created    int       `json:"created"`
	Present    int       `json:"present"`
	Failed     int       `json:"failed"`
}

// ImportRunService records import runs.
type ImportRunService interface {
	// CreateImportRun stores a new run and sets its ID and StartedAt.
	CreateImportRun(ctx context.Context, run *ImportRun) error
	// FinishImportRun stores the run's counts and sets FinishedAt.
	FinishImportRun(ctx context.Context, run *ImportRun) error
}
