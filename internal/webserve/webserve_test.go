package webserve

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func get(t *testing.T, h http.Handler, path, acceptEncoding string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if acceptEncoding != "" {
		req.Header.Set("Accept-Encoding", acceptEncoding)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t *testing.T, res *http.Response) []byte {
	t.Helper()
	var r io.Reader = res.Body
	switch res.Header.Get("Content-Encoding") {
	case "br":
		r = brotli.NewReader(res.Body)
	case "gzip":
		zr, err := gzip.NewReader(res.Body)
		require.NoError(t, err)
		r = zr
	}
	b, err := io.ReadAll(r)
	require.NoError(t, err)
	return b
}

func TestServesPrecompressedWasm(t *testing.T) {
	dir := t.TempDir()
	wasm := bytes.Repeat([]byte("\x00asm gojanus "), 5000)
	file := filepath.Join(dir, "gojanus.wasm")
	require.NoError(t, os.WriteFile(file, wasm, 0o644))
	br, gz, err := Precompress(file, Fast)
	require.NoError(t, err)
	assert.Less(t, br, len(wasm)/10)
	assert.Less(t, gz, len(wasm)/10)
	h := Dir(dir)

	for _, tc := range []struct{ accept, enc string }{
		{"gzip, deflate, br, zstd", "br"},
		{"gzip", "gzip"},
		{"br;q=0, gzip;q=0.5", "gzip"},
		{"", ""},
		{"identity", ""},
	} {
		res := get(t, h, "/gojanus.wasm", tc.accept)
		assert.Equal(t, http.StatusOK, res.StatusCode, tc.accept)
		assert.Equal(t, "application/wasm", res.Header.Get("Content-Type"), tc.accept)
		assert.Equal(t, tc.enc, res.Header.Get("Content-Encoding"), tc.accept)
		assert.Contains(t, res.Header.Values("Vary"), "Accept-Encoding")
		assert.Equal(t, wasm, body(t, res), tc.accept)
	}

	// A variant older than the file is an old build: not served.
	old := time.Now().Add(-time.Hour)
	require.NoError(t, os.Chtimes(file+".br", old, old))
	res := get(t, h, "/gojanus.wasm", "br, gzip")
	assert.Equal(t, "gzip", res.Header.Get("Content-Encoding"))
	assert.Equal(t, wasm, body(t, res))
}

func TestDirServesFilesAndRefusesTheRest(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "index.html"), []byte("<p>hi</p>"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "gojanus.mjs"), []byte("export {}"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, ".secret"), []byte("no"), 0o644))
	h := Dir(dir)

	res := get(t, h, "/", "")
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.True(t, strings.HasPrefix(res.Header.Get("Content-Type"), "text/html"))
	res = get(t, h, "/gojanus.mjs", "br")
	assert.Equal(t, "text/javascript; charset=utf-8", res.Header.Get("Content-Type"))
	assert.Equal(t, "", res.Header.Get("Content-Encoding"), "nothing precompressed: sent as it is")
	for _, p := range []string{"/.secret", "/../../etc/passwd", "/nope.js"} {
		assert.Equal(t, http.StatusNotFound, get(t, h, p, "").StatusCode, p)
	}
}
