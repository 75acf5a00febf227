package native_test

import (
	"context"
	"log"
	"time"

	"github.com/gojanus/gojanus/native"
)

// Publish the test pattern to a WHIP endpoint for a minute, and play a
// WHEP endpoint into a WebM file meanwhile.
func ExampleWHIPPublish() {
	ctx := context.Background()
	src, err := native.TestPatternSource(native.TestPatternOptions{})
	if err != nil {
		log.Fatal(err)
	}
	pub, err := native.WHIPPublish(ctx, "https://example.com/whip/endpoint", src, native.WHIPOptions{Token: "s3cret"})
	if err != nil {
		log.Fatal(err) // errors.Is(err, native.ErrWHIPUnauthorized)...
	}
	defer pub.Close(ctx) // DELETE

	rec, err := native.NewWebMRecorder("out.webm", true, true)
	if err != nil {
		log.Fatal(err)
	}
	play, err := native.WHEPPlay(ctx, "https://example.com/whep/endpoint", rec, native.WHEPOptions{})
	if err != nil {
		log.Fatal(err)
	}
	run, stop := context.WithTimeout(ctx, time.Minute)
	defer stop()
	_ = src.Run(run)
	_ = play.Close(ctx)
	if err := rec.Close(); err != nil {
		log.Fatal(err)
	}
}
