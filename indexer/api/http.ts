/** Small HTTP answers shared by the API's plugins. */

export function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

/** A GraphQL-shaped error body with one error and its code. */
export const errorBody = (code: string, message: string): unknown => ({ errors: [{ message, extensions: { code } }] });
