/** Path parameters the routes share: every id in a path is a UUID, refused with a 400 naming it otherwise. */
import { z } from "@hono/zod-openapi";

export const uuidOf = (what: string) =>
  z
    .string()
    .uuid(`not a ${what} id`)
    .openapi({ format: "uuid", description: `The ${what} id` });

/** `{ [name]: uuid }` for `request.params`. */
export function uuidParams<K extends string>(names: Record<K, string>) {
  const shape = Object.fromEntries(Object.entries<string>(names).map(([name, what]) => [name, uuidOf(what)])) as Record<K, ReturnType<typeof uuidOf>>;
  return z.object(shape);
}
