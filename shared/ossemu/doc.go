// Package ossemu is an OSS-protocol test server: enough of Alibaba Cloud Object Storage
// Service for the OSS SDK v2's own client to GET, HEAD, PUT and DELETE objects over
// loopback. It verifies the SDK's V4 signature (OSS4-HMAC-SHA256, header form, with the
// STS token header) against the keys it was given, answers ETag, If-None-Match (304),
// Content-Encoding and CRC-64, and reports 403 and 404 in OSS's XML error shape.
// Buckets are addressed path-style (the SDK does so for an IP endpoint such as
// http://127.0.0.1:PORT). Faults (latency, per-key refusals) are set by the test.
//
// It is an emulator for tests and local runs, never linked into the function binaries.
//
//	emu := ossemu.New("cn-hangzhou")
//	emu.AddKey("LTAI…", "secret", "")
//	emu.CreateBucket("snapshots")
//	srv := httptest.NewServer(emu)
package ossemu
