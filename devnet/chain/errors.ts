/** java-tron's `Return.response_code` values the devnet answers with. */
export type ResponseCode =
  | 'SIGERROR'
  | 'CONTRACT_VALIDATE_ERROR'
  | 'CONTRACT_EXE_ERROR'
  | 'BANDWITH_ERROR'
  | 'DUP_TRANSACTION_ERROR'
  | 'TAPOS_ERROR'
  | 'TOO_BIG_TRANSACTION_ERROR'
  | 'TRANSACTION_EXPIRATION_ERROR'
  | 'SERVER_BUSY'
  | 'OTHER_ERROR';

/** A transaction refused before it reaches a block, with java-tron's code and message. */
export class TxRejected extends Error {
  constructor(
    readonly code: ResponseCode,
    message: string,
  ) {
    super(message);
  }

  static signature(detail: string): TxRejected {
    return new TxRejected('SIGERROR', `Validate signature error: ${detail}`);
  }

  static validate(detail: string): TxRejected {
    return new TxRejected('CONTRACT_VALIDATE_ERROR', `Contract validate error : ${detail}`);
  }
}

/** A request the devnet's admin API refuses (bad arguments, impossible reorg). */
export class DevnetError extends Error {}
