package web

import (
	"compress/gzip"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"
)

// Responses are compressed when the client asks for it: brotli (smaller,
// and every current browser reads it) or gzip, as Accept-Encoding prefers,
// for text (pages, CSS, feeds, plain-text downloads) of a kilobyte or
// more. EPUBs and other zips are compressed already and pass as they are.

// minCompressBytes is the smallest body worth compressing: below it the
// header and the compressor's own frame save next to nothing.
const minCompressBytes = 1024

// encoding is a content coding the site can write.
type encoding string

const (
	identity encoding = ""
	gzipEnc  encoding = "gzip"
	brEnc    encoding = "br"
)

// chooseEncoding reads Accept-Encoding (RFC 9110 §12.5.3: codings with
// optional q-values, "*" for any other, q=0 for "not this") and returns the
// coding to use: the acceptable one with the highest q, brotli before gzip
// on a tie, identity when neither is acceptable or the header is absent or
// malformed.
func chooseEncoding(header string) encoding {
	if header == "" || len(header) > 1024 {
		return identity
	}
	q := map[string]float64{}
	star := -1.0
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(part, ";")
		name = strings.ToLower(strings.TrimSpace(name))
		weight := 1.0
		for p := range strings.SplitSeq(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if !ok || strings.ToLower(strings.TrimSpace(k)) != "q" {
				continue
			}
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil || f < 0 || f > 1 {
				f = 0 // an unreadable weight: treat that coding as refused
			}
			weight = f
		}
		switch name {
		case "":
		case "*":
			star = weight
		default:
			q[name] = weight
		}
	}
	weight := func(name string) float64 {
		if w, ok := q[name]; ok {
			return w
		}
		if star >= 0 {
			return star
		}
		return 0
	}
	br, gz := weight("br"), weight("gzip")
	if w, ok := q["x-gzip"]; ok && w > gz {
		gz = w
	}
	switch {
	case br > 0 && br >= gz:
		return brEnc
	case gz > 0:
		return gzipEnc
	}
	return identity
}

// compressible reports whether a response of this type is worth
// compressing.
func compressible(contentType string) bool {
	ct, _, _ := strings.Cut(contentType, ";")
	ct = strings.TrimSpace(strings.ToLower(ct))
	return strings.HasPrefix(ct, "text/") || ct == "application/json" || ct == "application/problem+json" ||
		ct == "application/atom+xml" || ct == "application/xml" || ct == "image/svg+xml" ||
		ct == "application/opensearchdescription+xml" || strings.HasSuffix(ct, "+xml") || strings.HasSuffix(ct, "+json")
}

var (
	gzipPool   = sync.Pool{New: func() any { w, _ := gzip.NewWriterLevel(io.Discard, gzip.DefaultCompression); return w }}
	brotliPool = sync.Pool{New: func() any { return brotli.NewWriterLevel(io.Discard, 5) }}
)

// compressor is what gzip.Writer and brotli.Writer have in common.
type compressor interface {
	io.Writer
	Flush() error
	Close() error
	Reset(io.Writer)
}

// compressResponses compresses what next writes, when the client accepts a
// coding the site writes and the response is text of minCompressBytes or
// more (or streamed: flushed before that).
func compressResponses(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Accept-Encoding")
		enc := chooseEncoding(r.Header.Get("Accept-Encoding"))
		if enc == identity || r.Method == http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		cw := &compressWriter{ResponseWriter: w, enc: enc}
		defer cw.finish()
		next.ServeHTTP(cw, r)
	})
}

// compressWriter decides at the first write, or at the header when the
// length is known, whether to compress.
type compressWriter struct {
	http.ResponseWriter
	enc     encoding
	status  int
	decided bool
	buf     []byte // held until minCompressBytes or the decision
	c       compressor
}

func (cw *compressWriter) WriteHeader(status int) {
	if cw.status == 0 {
		cw.status = status
	}
	if status < 200 || status == http.StatusNoContent || status == http.StatusNotModified {
		cw.decide(false)
	}
}

func (cw *compressWriter) Write(p []byte) (int, error) {
	if cw.status == 0 {
		cw.status = http.StatusOK
	}
	if !cw.decided {
		cw.buf = append(cw.buf, p...)
		if len(cw.buf) < minCompressBytes {
			return len(p), nil
		}
		cw.decide(true)
		if err := cw.writeHeld(); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	if cw.c != nil {
		return cw.c.Write(p)
	}
	return cw.ResponseWriter.Write(p)
}

// decide settles whether to compress; big says whether the body may be
// large enough to be worth it.
func (cw *compressWriter) decide(big bool) {
	if cw.decided {
		return
	}
	cw.decided = true
	h := cw.Header()
	if cw.status == 0 {
		cw.status = http.StatusOK
	}
	if big && h.Get("Content-Encoding") == "" && h.Get("Content-Range") == "" && cw.status != http.StatusPartialContent &&
		compressible(h.Get("Content-Type")) {
		h.Del("Content-Length")
		h.Set("Content-Encoding", string(cw.enc))
		if etag := h.Get("ETag"); etag != "" && !strings.HasPrefix(etag, "W/") && strings.HasSuffix(etag, `"`) {
			// A different body needs a different tag (RFC 9110 §8.8.3).
			h.Set("ETag", etag[:len(etag)-1]+"-"+string(cw.enc)+`"`)
		}
		switch cw.enc {
		case brEnc:
			cw.c = brotliPool.Get().(*brotli.Writer)
		default:
			cw.c = gzipPool.Get().(*gzip.Writer)
		}
		cw.c.Reset(cw.ResponseWriter)
	}
	cw.ResponseWriter.WriteHeader(cw.status)
}

// writeHeld writes what was held before the decision.
func (cw *compressWriter) writeHeld() error {
	buf := cw.buf
	cw.buf = nil
	if len(buf) == 0 {
		return nil
	}
	var err error
	if cw.c != nil {
		_, err = cw.c.Write(buf)
	} else {
		_, err = cw.ResponseWriter.Write(buf)
	}
	return err
}

// Flush sends what is compressed so far: a streamed page reaches the reader
// as it is made.
func (cw *compressWriter) Flush() {
	if !cw.decided {
		cw.decide(len(cw.buf) > 0)
		_ = cw.writeHeld()
	}
	if cw.c != nil {
		_ = cw.c.Flush()
	}
	if f, ok := cw.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// finish ends the response: a short body is sent as it is, a compressed
// one closed and its writer put back.
func (cw *compressWriter) finish() {
	if !cw.decided {
		if cw.status == 0 && len(cw.buf) == 0 {
			return // nothing was written: the server sends its own 200
		}
		cw.decide(false)
		_ = cw.writeHeld()
	}
	if cw.c != nil {
		_ = cw.c.Close()
		cw.c.Reset(io.Discard)
		switch c := cw.c.(type) {
		case *gzip.Writer:
			gzipPool.Put(c)
		case *brotli.Writer:
			brotliPool.Put(c)
		}
		cw.c = nil
	}
}

// Unwrap lets http.ResponseController reach the underlying writer (for
// deadlines); flushing goes through Flush above.
func (cw *compressWriter) Unwrap() http.ResponseWriter { return cw.ResponseWriter }
