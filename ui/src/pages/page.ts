// What every page of the UI gives the router: its element, its title, and how to free it.

export interface Page {
  readonly root: HTMLElement;
  readonly title: string;
  destroy?(): void;
}
