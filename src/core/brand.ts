/** A nominal type: a `VaultKey` cannot be passed where a `FileKey` is expected, though both are bytes. */
declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };
