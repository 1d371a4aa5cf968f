package awstrigger

// DecodeHTTP is decodeHTTP, for the warm-invoke benchmark's baseline: the request the
// core serves for an event.
var DecodeHTTP = decodeHTTP
