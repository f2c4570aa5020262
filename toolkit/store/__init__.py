"""S3: the client and its error advice, bucket checks, publish, presign."""
