// Package localrun runs the compiled function binaries on a laptop, as the clouds would:
// the FC binary against the Function Compute runtime-API emulator (package fcemu), the
// Lambda binary under the AWS Lambda Runtime Interface Emulator (aws-lambda-rie), and the
// local server's platform modes, which push every HTTP request through a platform's event
// shape and adapter. It backs `local invoke`, `local serve -platform`, and the tests that
// drive the real binaries.
package localrun
