import openapiTS, { astToString } from 'openapi-typescript';
const doc = {openapi:'3.1.0',info:{title:'x',version:'1'},paths:{},components:{schemas:{
 A:{type:'object',properties:{Image:{type:'string'},y:{type:'string'}}},
 R:{allOf:[{$ref:'#/components/schemas/A'},{type:'object',required:['Image'],properties:{HostConfig:{type:'object'}}}]},
 M:{type:'object', additionalProperties:{type:'object', maxProperties:0}},
 N:{anyOf:[{$ref:'#/components/schemas/A'},{type:'null'}]},
}}};
console.log(astToString(await openapiTS(doc,{defaultNonNullable:false})));
