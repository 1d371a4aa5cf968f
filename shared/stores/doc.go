// Package stores reads and writes whole objects in an object store (Alibaba Cloud OSS,
// Amazon S3 or a local directory) behind one small interface, Store: Get with an ETag for
// cheap conditional refreshes, Put of one complete object, and Decoded, which streams an
// object's content through gzip when it is compressed, with its size bounded.
//
// A store is named by a spec:
//
//	oss://BUCKET/KEY?region=cn-hangzhou[&endpoint=URL][&internal=true]
//	s3://BUCKET/KEY?region=us-east-1[&endpoint=http://127.0.0.1:PORT][&path_style=true]
//	file:PATH
//
// A KEY (or file PATH) ending in "/" names a prefix: Open then returns the prefix as the
// key, to which the caller appends object names.
//
// Credentials never appear in a spec. OSS requests are signed (V4) with the credentials
// of Options.OSSCredentials, asked before every request so that rotating ones (the
// function role's temporary credentials of each Function Compute invocation) are picked
// up; without it, with ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET and
// ALIBABA_CLOUD_SECURITY_TOKEN, read at each request and handed to the OSS SDK as its
// credentials provider. The SDK's own environment provider (OSS_ACCESS_KEY_ID,
// OSS_ACCESS_KEY_SECRET, OSS_SESSION_TOKEN) is not used: sgref names Alibaba credentials
// one way everywhere. S3 requests use the AWS SDK's default credential chain: the
// function role on Lambda, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (or a profile) locally.
//
// It is the only package of sgref that imports the OSS and S3 SDKs.
package stores
