module fanarchive

go 1.26.8

require (
	github.com/RoaringBitmap/roaring/v2 v2.30.0 // search: compressed bitmaps per tag, intersected in memory (docs/search.md)
	github.com/andybalholm/cascadia v1.3.5 // CSS selectors for the declarative site layouts of saved story pages (internal/ingest/sites.json)
	github.com/chromedp/cdproto v0.159.0 // tests only: chromedp's protocol types (emulated media for print and prefers-color-scheme, viewport sizes)
	github.com/chromedp/chromedp v0.23.0 // tests only: drives real headless Chromium (Debian chromium)
	github.com/emersion/go-message v0.18.2 // MIME bodies of news and mail: quoted-printable, base64, multipart, charsets (internal/ingest/mail*); builds outbound mail (internal/mail)
	github.com/emersion/go-sasl v0.0.0-20241020182733-b788ff22d5a6 // AUTH PLAIN/LOGIN to the smarthost; go-smtp's own dependency
	github.com/emersion/go-smtp v0.26.0 // outbound mail to a smarthost (STARTTLS, AUTH, per-recipient replies); the tests' loopback relay is its server (internal/mail)
	github.com/microcosm-cc/bluemonday v1.0.27 // sanitises every story body (allow-list policy in internal/prose)
	github.com/mmcdole/gofeed v1.4.2 // tests only: a real feed parser reads the Atom feeds and OPDS catalogues (internal/web)
	github.com/santhosh-tekuri/jsonschema/v6 v6.0.3 // tests only: validates the read API's responses against its OpenAPI 3.1 schemas (JSON Schema 2020-12)
	golang.org/x/crypto v0.59.0 // argon2id password hashes (internal/auth): the standard library has none
	golang.org/x/net v0.62.0 // html tokenizer: story bodies to plain text, HTML story pages
	golang.org/x/text v0.44.0 // legacy charsets: windows-1252, CP437, Mac Roman, UTF-16
	modernc.org/sqlite v1.62.0 // pure-Go SQLite with FTS5: `go run` needs no C toolchain; chosen by benchmark (docs/benchmarks.md)
)

require (
	github.com/andybalholm/brotli v1.3.0 // web: brotli-compressed responses (pure Go; gzip from the standard library for the rest)
	github.com/jackc/pgx/v5 v5.13.0 // PostgreSQL store (--db postgres://): the driver through database/sql (stdlib), so one store's code runs on both; its own conn for LISTEN/NOTIFY
	github.com/prometheus/client_golang v1.25.0 // /metrics in Prometheus's format, with the Go runtime's and process collectors (internal/ops)
	github.com/schollz/progressbar/v3 v3.19.1 // import: the progress bar on terminals
	github.com/yuin/goldmark v1.8.7 // posted chapters written in Markdown (CommonMark, tables, strikethrough) become HTML, then sanitised (internal/prose)
	golang.org/x/term v0.48.0 // import: is stderr a terminal
)

require (
	github.com/aymerick/douceur v0.2.0 // indirect
	github.com/beorn7/perks v1.0.1 // indirect
	github.com/bits-and-blooms/bitset v1.24.4 // indirect
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/dustin/go-humanize v1.1.0 // indirect
	github.com/go-json-experiment/json v0.0.0-20260213210345-44df1a37e875 // indirect
	github.com/google/uuid v1.6.0 // indirect
	github.com/gorilla/css v1.0.1 // indirect
	github.com/jackc/pgpassfile v1.0.0 // indirect
	github.com/jackc/pgservicefile v0.0.0-20240606120523-5a60cdf6a761 // indirect
	github.com/jackc/puddle/v2 v2.2.3 // indirect
	github.com/mattn/go-isatty v0.0.24 // indirect
	github.com/mitchellh/colorstring v0.0.0-20190213212951-d06e56a500db // indirect
	github.com/mmcdole/goxpp/v2 v2.0.0 // indirect
	github.com/mschoch/smat v0.2.0 // indirect
	github.com/munnerz/goautoneg v0.0.0-20191010083416-a7dc8b61c822 // indirect
	github.com/ncruces/go-strftime v1.1.0 // indirect
	github.com/prometheus/client_model v0.6.3 // indirect
	github.com/prometheus/common v0.72.0 // indirect
	github.com/prometheus/procfs v0.22.0 // indirect
	github.com/remyoudompheng/bigfft v0.0.0-20230129092748-24d4a6f8daec // indirect
	github.com/rivo/uniseg v0.4.7 // indirect
	golang.org/x/sync v0.25.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
	google.golang.org/protobuf v1.36.12 // indirect
	modernc.org/libc v1.80.1 // indirect
	modernc.org/mathutil v1.7.1 // indirect
	modernc.org/memory v1.12.1 // indirect
)
