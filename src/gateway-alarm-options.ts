/** Alarms on the gateway's metrics. Add actions (e.g. an SNS topic) to the alarms the gateway exposes. */
export interface GatewayAlarmOptions {
  /**
   * Server errors (5xx answers) in 5 minutes at which the server-errors alarm fires.
   * @default 5
   */
  readonly serverErrorsPerFiveMinutes?: number;

  /**
   * Share of a key's monthly token budget (`limits.tokensPerMonth`), in percent, at which the budget
   * alarm fires; it watches every key of the gateway. Needs `keysDocument` or a key with `limits.tokensPerMonth`.
   * @default 80
   */
  readonly monthlyBudgetPercent?: number;
}
