/**
 * A failure the stand-in answers the way Tablestore does: an HTTP status and a protobuf `Error{code, message}`
 * body. Codes follow Tablestore's error code list (e.g. OTSConditionCheckFail 403, OTSObjectNotExist 404).
 */
export class OtsFailure extends Error {
  override readonly name = 'OtsFailure';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function parameterInvalid(message: string): OtsFailure {
  return new OtsFailure(400, 'OTSParameterInvalid', message);
}
