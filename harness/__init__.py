"""What the tests and the benchmarks share: rendering the template as a user does, throwaway
template repositories with releases, the CDK toolchain, the Lambda bundle, and golden renders.

Neither tests/ nor benchmarks/ imports the other; both import from here.
"""
