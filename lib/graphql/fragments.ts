/**
 * GraphQL fragments the indexer API's clients share (live's indexer client and the web), written
 * once: codegen reads this file among each client's documents (codegen.ts), so both get one
 * generated fragment type, and each query that spreads a fragment appends its text here.
 */

/** A gift as the indexer serves it (amounts as decimal strings); `removed` only in the subscription. */
export const GIFT_FIELDS = /* GraphQL */ `
  fragment GiftFields on Gift {
    txId
    blockNumber
    logIndex
    timestamp
    finality
    sender
    broadcaster
    giftId
    quantity
    token
    total
    broadcasterAmount
    streamId
    releaseAt
    paidFrom
    removed
  }
`;

/** A gift type of the catalog. */
export const GIFT_TYPE_FIELDS = /* GraphQL */ `
  fragment GiftTypeFields on GiftType {
    giftId
    token
    price
    enabled
    uri
  }
`;
