// The shape of the generated schema model (src/graph/model/schema.generated.ts).

export interface PropertyDef {
  name: string;
  /** Fully qualified: 'Edm.String', 'microsoft.graph.callRecords.media', ... */
  type: string;
  collection: boolean;
  nullable: boolean;
}

export interface NavigationDef {
  name: string;
  type: string;
  collection: boolean;
  containsTarget: boolean;
}

export interface StructuredTypeDef {
  kind: 'entity' | 'complex';
  name: string;
  base?: string;
  abstract: boolean;
  open: boolean;
  properties: PropertyDef[];
  navigation: NavigationDef[];
}

export interface EnumTypeDef {
  kind: 'enum';
  name: string;
  members: { name: string; value: number }[];
}

export interface FunctionDef {
  name: string;
  bindingType: string;
  parameters: { name: string; type: string }[];
  returnType: string;
  returnsCollection: boolean;
}

export interface SchemaModel {
  types: Record<string, StructuredTypeDef | EnumTypeDef>;
  functions: FunctionDef[];
}
