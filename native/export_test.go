package native

// IVFFrames reads the frames of an IVF clip in testdata/media, for the
// media tests of package native_test.
var IVFFrames = ivfFrames

// StartsKeyframe is startsKeyframe, for the media tests.
var StartsKeyframe = startsKeyframe
