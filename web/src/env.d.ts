import '@vue/runtime-dom';

// Lets `data-*` attributes (test ids, row data) be passed in attribute objects, such as naive-ui's
// `rowProps` and option `props`, the way templates already allow them.
declare module '@vue/runtime-dom' {
  interface HTMLAttributes {
    [attribute: `data-${string}`]: string | undefined;
  }
}
