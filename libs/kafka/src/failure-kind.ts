/**
 * Whether a handler's failure is about the message (the same bytes will fail the same way every
 * time, so retrying forever would stall the partition) or about the world (Postgres, the broker,
 * a deploy without its migration: waiting and retrying loses nothing).
 *
 * Only failures known to be about the data count as the message's: Postgres data exceptions,
 * integrity violations and program limits (SQLSTATE classes 22, 23, 54), a payload that breaks a
 * topic's contract on the way out, the broker refusing the records themselves (too large, or
 * invalid), and the JavaScript errors a handler's own code throws on an input it did not expect.
 * Everything else, unknown errors included, is treated as transient.
 */
const DATA_SQLSTATE_CLASSES = new Set(['22', '23', '54']);
const CODE_ERRORS = new Set(['TypeError', 'RangeError', 'SyntaxError', 'URIError']);
const RECORD_REJECTIONS = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'INVALID_RECORD']);

export function isMessageFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const sqlState = sqlStateOf(error);
  if (sqlState !== null) return DATA_SQLSTATE_CLASSES.has(sqlState.slice(0, 2));
  if (error.name === 'ContractViolation') return true;
  if (isRecordRejection(error)) return true;
  return CODE_ERRORS.has(error.name) && !isNetworkError(error);
}

/** kafkajs throws a refusal it will not retry wrapped, as the `cause` of a non-retriable error. */
function isRecordRejection(error: Error): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 3; e = e.cause, depth++)
    if (
      e.name === 'KafkaJSProtocolError' &&
      RECORD_REJECTIONS.has(String((e as { type?: unknown }).type))
    )
      return true;
  return false;
}

function sqlStateOf(error: Error): string | null {
  // pg's DatabaseError carries it as `code`; TypeORM's QueryFailedError wraps it in `driverError`.
  for (const candidate of [error, (error as { driverError?: unknown }).driverError]) {
    const code = (candidate as { code?: unknown } | undefined)?.code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return null;
}

function isNetworkError(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code);
}

/** A failure's description for a dead letter: one line, no NUL, bounded. */
export function describeFailure(error: unknown, max = 2000): string {
  const text =
    error instanceof Error
      ? `${error.name}: ${error.message}${sqlStateOf(error) ? ` [${sqlStateOf(error)}]` : ''}`
      : String(error);
  return text.replace(/[\u0000-\u001f]+/g, ' ').slice(0, max) || 'unknown failure';
}
