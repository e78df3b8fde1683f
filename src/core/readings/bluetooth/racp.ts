/**
 * The Record Access Control Point (0x2A52), as the GATT Specification Supplement ("Record Access
 * Control Point") lays it out and the Glucose Service (GLS 1.0, "Record Access Control Point
 * procedures") uses it:
 *
 *   op code uint8 | operator uint8 | operand (op code and operator dependent)
 *
 * Requests used here: Report Stored Records (1) and Report Number of Stored Records (4) with the
 * operator All Records (1), Last Record (6), or Greater Than Or Equal To (3) whose operand is a
 * filter type (1: sequence number) and a uint16; Abort Operation (3) with the Null operator (0).
 * Responses arrive as indications: Number of Stored Records Response (5, Null, uint16 count) and
 * Response Code (6, Null, request op code uint8, response code value uint8).
 */
import { err, ok, type Result } from '../../result.ts';

export const RACP_OP = { reportStored: 0x01, deleteStored: 0x02, abort: 0x03, reportNumber: 0x04, numberResponse: 0x05, responseCode: 0x06 } as const;
export const RACP_OPERATOR = { null: 0x00, all: 0x01, lessOrEqual: 0x02, greaterOrEqual: 0x03, withinRange: 0x04, first: 0x05, last: 0x06 } as const;
const FILTER_SEQUENCE_NUMBER = 0x01;

export const RACP_RESPONSE_CODES = {
  1: 'success',
  2: 'op-code-not-supported',
  3: 'invalid-operator',
  4: 'operator-not-supported',
  5: 'invalid-operand',
  6: 'no-records-found',
  7: 'abort-unsuccessful',
  8: 'procedure-not-completed',
  9: 'operand-not-supported',
} as const;
export type RacpResponseCode = (typeof RACP_RESPONSE_CODES)[keyof typeof RACP_RESPONSE_CODES];

/** Which stored records a request is about. */
export type RacpSelection = { readonly from: 'all' } | { readonly from: 'sequence'; readonly sequence: number } | { readonly from: 'last' };

function selection(which: RacpSelection): number[] {
  if (which.from === 'all') return [RACP_OPERATOR.all];
  if (which.from === 'last') return [RACP_OPERATOR.last];
  if (!Number.isInteger(which.sequence) || which.sequence < 0 || which.sequence > 0xffff) throw new RangeError(`sequence: ${which.sequence}`);
  return [RACP_OPERATOR.greaterOrEqual, FILTER_SEQUENCE_NUMBER, which.sequence & 0xff, which.sequence >> 8];
}

export function encodeReportStored(which: RacpSelection): Uint8Array {
  return Uint8Array.from([RACP_OP.reportStored, ...selection(which)]);
}

export function encodeReportNumber(which: RacpSelection): Uint8Array {
  return Uint8Array.from([RACP_OP.reportNumber, ...selection(which)]);
}

export function encodeAbort(): Uint8Array {
  return Uint8Array.from([RACP_OP.abort, RACP_OPERATOR.null]);
}

export type RacpResponse =
  | { readonly type: 'number'; readonly count: number }
  | { readonly type: 'code'; readonly request: number; readonly code: RacpResponseCode };

export type RacpResponseError = { readonly type: 'RacpMalformed'; readonly detail: string };

export function parseRacpResponse(bytes: Uint8Array): Result<RacpResponse, RacpResponseError> {
  const [op, operator] = bytes;
  if (op === RACP_OP.numberResponse) {
    if (bytes.length !== 4 || operator !== RACP_OPERATOR.null) return err({ type: 'RacpMalformed', detail: 'number of stored records response of the wrong length or operator' });
    return ok({ type: 'number', count: (bytes[2] as number) | ((bytes[3] as number) << 8) });
  }
  if (op === RACP_OP.responseCode) {
    if (bytes.length !== 4 || operator !== RACP_OPERATOR.null) return err({ type: 'RacpMalformed', detail: 'response code of the wrong length or operator' });
    const code = RACP_RESPONSE_CODES[bytes[3] as keyof typeof RACP_RESPONSE_CODES] as RacpResponseCode | undefined;
    if (code === undefined) return err({ type: 'RacpMalformed', detail: `reserved response code value ${bytes[3]}` });
    return ok({ type: 'code', request: bytes[2] as number, code });
  }
  return err({ type: 'RacpMalformed', detail: `unexpected op code ${op ?? 'none'}` });
}
