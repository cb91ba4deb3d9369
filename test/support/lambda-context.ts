import type { Context } from 'aws-lambda';

/** The context the Lambda runtime passes to an invocation of a function with `remainingMs` left before its timeout. */
export function lambdaContext(remainingMs = 15 * 60_000): Context {
  const deadline = Date.now() + remainingMs;
  const unused = () => { throw new Error('callback-style completion is not used by async handlers'); };
  return {
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
    functionName: 'gateway',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:gateway',
    memoryLimitInMB: '1024',
    logGroupName: '/aws/lambda/gateway',
    logStreamName: '2026/11/30/[$LATEST]0123456789abcdef',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unused,
    fail: unused,
    succeed: unused,
  };
}
