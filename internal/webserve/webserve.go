// Package webserve serves the web folder the way a production server
// should serve gojanus: gojanus.wasm as application/wasm (so that
// browsers compile it while it downloads) and compressed, from the
// brotli (.br) and gzip (.gz) files Precompress writes beside it, as the
// request's Accept-Encoding allows. mage serve and webDemo, and the
// browser tests and benchmarks, serve through it.
package webserve

import (
	"bytes"
	"compress/gzip"
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/andybalholm/brotli"
)

// Encodings are the precompressed variants, best first: the file's name
// with the suffix, sent with the Content-Encoding.
var Encodings = []struct{ Suffix, Name string }{
	{".br", "br"},
	{".gz", "gzip"},
}

// types are the Content-Types of the files the web folder serves.
var types = map[string]string{
	".wasm": "application/wasm",
	".mjs":  "text/javascript; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".ts":   "text/plain; charset=utf-8",
	".html": "text/html; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".json": "application/json",
}

// Level is how hard Precompress compresses.
type Level int

// The levels of Precompress.
const (
	// Best is brotli quality 11 and gzip -9: what production should send
	// (brotli then takes some 13 s for gojanus.wasm).
	Best Level = iota
	// Fast is brotli quality 5 and gzip -6, for tests where the bytes do
	// not count (a quarter of a second; 17% more bytes than Best).
	Fast
)

// Precompress writes file.br (brotli) and file.gz (gzip) beside file, at
// level, and returns their sizes.
func Precompress(file string, level Level) (br, gz int, err error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return 0, 0, err
	}
	brq, gzq := brotli.BestCompression, gzip.BestCompression
	if level == Fast {
		brq, gzq = 5, gzip.DefaultCompression
	}
	var bb, gb bytes.Buffer
	bw := brotli.NewWriterLevel(&bb, brq)
	if _, err := bw.Write(b); err != nil {
		return 0, 0, err
	}
	if err := bw.Close(); err != nil {
		return 0, 0, err
	}
	gw, err := gzip.NewWriterLevel(&gb, gzq)
	if err != nil {
		return 0, 0, err
	}
	if _, err := gw.Write(b); err != nil {
		return 0, 0, err
	}
	if err := gw.Close(); err != nil {
		return 0, 0, err
	}
	if err := os.WriteFile(file+".br", bb.Bytes(), 0o644); err != nil {
		return 0, 0, err
	}
	if err := os.WriteFile(file+".gz", gb.Bytes(), 0o644); err != nil {
		return 0, 0, err
	}
	return bb.Len(), gb.Len(), nil
}

// ServeFile serves the file name with its Content-Type, from a
// precompressed variant beside it when the request accepts that encoding
// and the variant is not older than the file (a stale one would serve an
// old build).
func ServeFile(w http.ResponseWriter, r *http.Request, name string) {
	st, err := os.Stat(name)
	if err != nil || st.IsDir() {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	if t, ok := types[strings.ToLower(filepath.Ext(name))]; ok {
		h.Set("Content-Type", t)
	} else if t := mime.TypeByExtension(filepath.Ext(name)); t != "" {
		h.Set("Content-Type", t)
	}
	h.Add("Vary", "Accept-Encoding")
	accepted := r.Header.Get("Accept-Encoding")
	for _, enc := range Encodings {
		if !accepts(accepted, enc.Name) {
			continue
		}
		cst, err := os.Stat(name + enc.Suffix)
		if err != nil || cst.ModTime().Before(st.ModTime()) {
			continue
		}
		f, err := os.Open(name + enc.Suffix)
		if err != nil {
			continue
		}
		defer f.Close()
		h.Set("Content-Encoding", enc.Name)
		// ServeContent with the compressed bytes: ranges and
		// conditional requests refer to the encoded body.
		http.ServeContent(w, r, "", cst.ModTime(), f)
		return
	}
	f, err := os.Open(name)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	defer f.Close()
	http.ServeContent(w, r, "", st.ModTime(), f)
}

// accepts reports whether an Accept-Encoding header allows enc (with a
// q-value other than 0).
func accepts(header, enc string) bool {
	for part := range strings.SplitSeq(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), enc) {
			continue
		}
		q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}

// Dir serves the files of dir (index.html for a folder) through ServeFile.
// Paths that leave dir, and hidden files, are not found.
func Dir(dir string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := path.Clean("/" + r.URL.Path)
		for _, el := range strings.Split(p, "/") {
			if strings.HasPrefix(el, ".") {
				http.NotFound(w, r)
				return
			}
		}
		name := filepath.Join(dir, filepath.FromSlash(p))
		if st, err := os.Stat(name); err == nil && st.IsDir() {
			name = filepath.Join(name, "index.html")
		}
		ServeFile(w, r, name)
	})
}
